using System.Globalization;
using System.Net.Http.Json;
using Mesh.Server.Tests.Process;

namespace Mesh.Server.Tests.Dns;

/// <summary>A real `mesh agent -dev` with its DNS interface on a free loopback port.</summary>
internal sealed class DnsAgent : IAsyncDisposable
{
    private DnsAgent(AgentProcess agent) => Agent = agent;

    public AgentProcess Agent { get; }

    public int DnsPort => Agent.Ports.Dns;

    public static async Task<DnsAgent> StartAsync(params string[] hcl)
    {
        var agent = await AgentProcess.StartAsync(["-dev", "-node=dns-node", .. hcl.SelectMany(h => (string[])["-hcl", h])]);
        var dns = new DnsAgent(agent);
        // The listener comes up with the HTTP API; any reply at all proves it.
        await dns.UntilAsync("ready.", "SOA", r => r.Status.Length > 0, "the DNS interface to answer");
        return dns;
    }

    public Task<DigReply> DigAsync(string name, string type, params string[] options) => Dig.QueryAsync(DnsPort, name, type, options);

    /// <summary>Queries until the reply satisfies <paramref name="done"/>, and returns that reply.</summary>
    public async Task<DigReply> UntilAsync(string name, string type, Func<DigReply, bool> done, string what, TimeSpan? deadline = null, params string[] options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var reply = await DigAsync(name, type, options);
            if (done(reply))
            {
                return reply;
            }
            if (clock.Elapsed > (deadline ?? Eventually.DefaultDeadline))
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; last reply:\n{reply}");
            }
            await Task.Delay(20);
        }
    }

    public async Task RegisterAsync(object service)
    {
        using var response = await Agent.Http.PutAsJsonAsync("/v1/agent/service/register", service);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task PutAsync(string path)
    {
        using var response = await Agent.Http.PutAsync(path, null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => Agent.DisposeAsync();
}
