using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Mesh.Server.Gossip;

namespace Mesh.Server.Http;

/// <summary>/v1/operator — datacenter-wide operations: the gossip keyring (Consul's /v1/operator/keyring) and Raft.</summary>
internal static partial class OperatorEndpoints
{
    private const int MaxRelayFactor = 5;

    public static void Map(ConsulRoutes routes)
    {
        routes.MapGet("/operator/keyring", RouteScope.Local, call => KeyringAsync(call, KeyringOperation.List));
        routes.MapPost("/operator/keyring", RouteScope.Local, call => KeyringAsync(call, KeyringOperation.Install));
        routes.MapPut("/operator/keyring", RouteScope.Local, call => KeyringAsync(call, KeyringOperation.Use));
        routes.MapDelete("/operator/keyring", RouteScope.Local, call => KeyringAsync(call, KeyringOperation.Remove));
        MapRaft(routes);
    }

    /// <summary>
    /// GET lists, POST installs, PUT uses, DELETE removes ({"Key": ...}). Any member's failure is a 500 carrying
    /// Consul's multi-error text; a list answers the LAN pool's key counts (there is no WAN pool here).
    /// </summary>
    private static async Task KeyringAsync(ConsulCall call, KeyringOperation operation)
    {
        string? key = null;
        if (operation != KeyringOperation.List)
        {
            key = (await call.ReadBodyAsync<KeyringRequestBody>().ConfigureAwait(false)).Key ?? "";
        }
        var relayFactor = RelayFactor(call);
        CheckLocalOnly(call, operation);
        var agent = call.Services.Agent;
        var response = await agent.KeyringAsync(operation, key, relayFactor, call.Aborted).ConfigureAwait(false);
        if (response.Error is not null)
        {
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, ErrorText(response, agent.Datacenter));
        }
        if (operation == KeyringOperation.List)
        {
            await call.WriteJsonAsync<List<KeyringJson>>(
            [
                new KeyringJson(
                    WAN: false,
                    agent.Datacenter,
                    Segment: "",
                    response.Messages.Count == 0 ? null : response.Messages,
                    response.Keys,
                    response.PrimaryKeys,
                    response.NumNodes),
            ]).ConfigureAwait(false);
        }
    }

    /// <summary>?relay-factor: an integer from 0 to 5, worded as Consul words its refusals.</summary>
    private static int RelayFactor(ConsulCall call)
    {
        if (call.Get("relay-factor") is not { Length: > 0 } text)
        {
            return 0;
        }
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var factor))
        {
            throw ConsulHttpException.BadRequest($"Error parsing relay factor: strconv.Atoi: parsing \"{text}\": {GoNumberError(text)}");
        }
        return factor is >= 0 and <= MaxRelayFactor
            ? factor
            : throw ConsulHttpException.BadRequest($"Invalid relay-factor: Relay factor must be in range: [0, {MaxRelayFactor}]");
    }

    /// <summary>?local-only (only for a list): every member here is local, so it only needs checking.</summary>
    private static void CheckLocalOnly(ConsulCall call, KeyringOperation operation)
    {
        if (call.Get("local-only") is not { Length: > 0 } text)
        {
            return;
        }
        bool? localOnly = text switch
        {
            "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
            "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
            _ => null,
        };
        if (localOnly is null)
        {
            throw ConsulHttpException.BadRequest($"Error parsing local-only: strconv.ParseBool: parsing \"{text}\": invalid syntax");
        }
        if (localOnly.Value && operation != KeyringOperation.List)
        {
            throw ConsulHttpException.BadRequest("Invalid use of local-only: local-only can only be set for list requests");
        }
    }

    /// <summary>Consul's go-multierror text: the pool's error, then each member's message.</summary>
    internal static string ErrorText(KeyringResponse response, string datacenter)
    {
        List<string> errors = [$"{datacenter} (LAN) error: {response.Error}", .. response.Messages.Select(message => $"{message.Key}: {message.Value}")];
        var text = new StringBuilder();
        text.Append(errors.Count == 1 ? "1 error occurred:" : $"{errors.Count} errors occurred:");
        foreach (var error in errors)
        {
            text.Append("\n\t* ").Append(error);
        }
        return text.Append("\n\n").ToString();
    }

    private static string GoNumberError(string text)
    {
        var digits = text.Length > 1 && text[0] is '-' or '+' ? text[1..] : text;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
    }

    private sealed record KeyringRequestBody(string? Key);

    /// <summary>One gossip pool's keys, as Consul's structs.KeyringResponse (Messages only when there are some).</summary>
    private sealed record KeyringJson(
        bool WAN,
        string Datacenter,
        string Segment,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Messages,
        IReadOnlyDictionary<string, int> Keys,
        IReadOnlyDictionary<string, int> PrimaryKeys,
        int NumNodes);
}
