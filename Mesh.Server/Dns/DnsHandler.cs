using System.Diagnostics;
using Mesh.Server.Config;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Dns;

/// <summary>
/// Turns one request packet into its reply: names in the domain are answered from the catalog, others are
/// forwarded to the recursors (REFUSED without any), and malformed packets are dropped and counted.
/// </summary>
internal sealed partial class DnsHandler(DnsResolver resolver, DnsForwarder forwarder, AgentConfig config, DnsMetrics metrics, ILogger<DnsHandler> logger)
{
    /// <summary>The reply to send, or null to send nothing (a malformed packet).</summary>
    public async Task<byte[]?> AnswerAsync(ReadOnlyMemory<byte> packet, bool udp, CancellationToken cancellationToken)
    {
        var transport = udp ? "udp" : "tcp";
        if (!DnsQuery.TryParse(packet.Span, out var query))
        {
            metrics.Malformed(transport);
            return null;
        }
        var started = Stopwatch.GetTimestamp();
        var reply = await ReplyAsync(query, packet, udp, cancellationToken).ConfigureAwait(false);
        var rcode = (DnsRcode)(reply[3] & 0x0F);
        metrics.Answered(transport, rcode);
        LogQuery(query.Name, query.Type, transport, rcode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return reply;
    }

    private async Task<byte[]> ReplyAsync(DnsQuery query, ReadOnlyMemory<byte> packet, bool udp, CancellationToken cancellationToken)
    {
        if (query.Opcode != 0)
        {
            return DnsResponse.Empty(query, DnsRcode.NotImplemented, forwarder.Enabled);
        }
        var name = query.Name.ToLowerInvariant();
        var inDomain = DnsName.InDomain(name, config.Domain);
        if (inDomain || DnsResolver.IsReverse(name))
        {
            DnsAnswer? answer;
            try
            {
                answer = inDomain
                    ? await resolver.ResolveAsync(name, query.Type, cancellationToken).ConfigureAwait(false)
                    : await resolver.ReverseAsync(name, query.Type, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // No leader, no server reachable: the client gets SERVFAIL and may retry; the agent carries on.
                LogLookupFailed(ex, query.Name);
                return DnsResponse.Empty(query, DnsRcode.ServerFailure, forwarder.Enabled);
            }
            if (answer is not null)
            {
                return DnsResponse.Encode(query, answer, forwarder.Enabled, udp, config.Dns.UdpAnswerLimit);
            }
            // A reverse name the catalog does not know goes to the recursors like any name outside the domain (Consul's handlePtr).
        }
        if (!forwarder.Enabled)
        {
            return DnsResponse.Empty(query, DnsRcode.Refused, recursionAvailable: false);
        }
        return await forwarder.ForwardAsync(packet, tcp: !udp, cancellationToken).ConfigureAwait(false)
            ?? DnsResponse.Empty(query, DnsRcode.ServerFailure, recursionAvailable: true);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "dns: {Name} {Type} over {Transport}: {Rcode} in {Milliseconds:F2} ms")]
    private partial void LogQuery(string name, DnsType type, string transport, DnsRcode rcode, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dns: lookup of {Name} failed")]
    private partial void LogLookupFailed(Exception exception, string name);
}
