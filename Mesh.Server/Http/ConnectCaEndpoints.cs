using System.Globalization;
using Mesh.Server.Connect;
using Mesh.Server.State.ConnectCa;

namespace Mesh.Server.Http;

/// <summary>/v1/connect/ca/* and /v1/agent/connect/ca/*: the Connect CA's roots and configuration, and the agent's leaf certificates.</summary>
internal static class ConnectCaEndpoints
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    public static void Map(ConsulRoutes routes)
    {
        routes.MapGet("/connect/ca/roots", RouteScope.Replicated, RootsAsync);
        routes.MapGet("/agent/connect/ca/roots", RouteScope.Replicated, RootsAsync);
        routes.MapGet("/agent/connect/ca/leaf/{service}", RouteScope.Replicated, LeafAsync);
        routes.MapGet("/connect/ca/configuration", RouteScope.Replicated, GetConfigurationAsync);
        routes.MapPut("/connect/ca/configuration", RouteScope.Replicated, PutConfigurationAsync);
    }

    private static async Task RootsAsync(ConsulCall call)
    {
        var ca = await call.ReadAsync(new ConnectCaQuery()).ConfigureAwait(false);
        if (call.Flag("pem"))
        {
            call.Http.Response.ContentType = "application/pem-certificate-chain";
            await call.Http.Response.WriteAsync(string.Concat(ca.Roots.Select(r => r.RootCert)), call.Aborted).ConfigureAwait(false);
            return;
        }
        await call.WriteJsonAsync(new RootsJson(
            ca.ActiveRoot?.ID ?? "",
            ca.TrustDomain,
            [.. ca.Roots.Select(r => new RootJson(
                r.ID, r.Name, r.SerialNumber, r.SigningKeyID, r.NotBefore.UtcDateTime, r.NotAfter.UtcDateTime, r.RootCert,
                IntermediateCerts: null, r.Active, r.PrivateKeyType, r.PrivateKeyBits, r.CreateIndex, r.ModifyIndex))])).ConfigureAwait(false);
    }

    private static async Task LeafAsync(ConsulCall call)
    {
        var leaves = call.Http.RequestServices.GetService<LeafCertificates>()
            ?? throw new ConsulHttpException(StatusCodes.Status500InternalServerError, "Connect must be enabled on a server agent to sign leaf certificates");
        IndexedLeaf leaf;
        try
        {
            leaf = await leaves.GetAsync(call.Route("service"), call.MinIndex, BlockingWait(call), call.Aborted).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, ex.Message);
        }
        call.Http.Response.Headers["X-Consul-Index"] = leaf.Index.ToString(CultureInfo.InvariantCulture);
        var cert = leaf.Certificate;
        await call.WriteJsonAsync(new LeafJson(
            cert.SerialNumber, cert.CertPEM, cert.PrivateKeyPEM, cert.Service, cert.ServiceURI,
            cert.ValidAfter.UtcDateTime, cert.ValidBefore.UtcDateTime, leaf.Index, leaf.Index)).ConfigureAwait(false);
    }

    private static async Task GetConfigurationAsync(ConsulCall call)
    {
        var ca = await call.ReadAsync(new ConnectCaQuery()).ConfigureAwait(false);
        var configuration = ca.Configuration ?? throw new ConsulHttpException(StatusCodes.Status500InternalServerError, "the Connect CA is not initialized yet");
        await call.WriteJsonAsync(new ConfigurationJson(
            configuration.Provider, configuration.Config, State: null, configuration.ForceWithoutCrossSigning,
            configuration.CreateIndex, configuration.ModifyIndex)).ConfigureAwait(false);
    }

    private static async Task PutConfigurationAsync(ConsulCall call)
    {
        var request = await call.ReadBodyAsync<CaConfigurationRequest>().ConfigureAwait(false);
        var manager = call.Http.RequestServices.GetService<CaManager>()
            ?? throw new ConsulHttpException(StatusCodes.Status500InternalServerError, "Connect must be enabled on a server agent to configure the CA");
        try
        {
            await manager.UpdateAsync(request, call.Aborted).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw ConsulHttpException.BadRequest(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, ex.Message);
        }
    }

    // ?index/?wait as the state's blocking reads take them: 5 minutes by default, at most 10.
    private static TimeSpan BlockingWait(ConsulCall call) =>
        call.MinIndex == 0 ? TimeSpan.Zero : call.Wait <= TimeSpan.Zero ? DefaultWait : call.Wait > MaxWait ? MaxWait : call.Wait;

    private sealed record RootsJson(string ActiveRootID, string TrustDomain, List<RootJson> Roots);

    private sealed record RootJson(
        string ID, string Name, ulong SerialNumber, string SigningKeyID, DateTime NotBefore, DateTime NotAfter, string RootCert,
        List<string>? IntermediateCerts, bool Active, string PrivateKeyType, int PrivateKeyBits, ulong CreateIndex, ulong ModifyIndex);

    private sealed record LeafJson(
        string SerialNumber, string CertPEM, string PrivateKeyPEM, string Service, string ServiceURI,
        DateTime ValidAfter, DateTime ValidBefore, ulong CreateIndex, ulong ModifyIndex);

    private sealed record ConfigurationJson(
        string Provider, CaProviderConfig Config, object? State, bool ForceWithoutCrossSigning, ulong CreateIndex, ulong ModifyIndex);
}
