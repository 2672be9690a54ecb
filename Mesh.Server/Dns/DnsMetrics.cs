using System.Diagnostics.Metrics;

namespace Mesh.Server.Dns;

/// <summary>The <c>mesh.dns</c> meter: queries answered (by transport and rcode) and packets dropped as malformed.</summary>
internal sealed class DnsMetrics
{
    public const string MeterName = "mesh.dns";
    public const string RequestsName = "mesh.dns.requests";
    public const string MalformedName = "mesh.dns.malformed";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _malformed;

    public DnsMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = meter.CreateCounter<long>(RequestsName, description: "DNS queries answered.");
        _malformed = meter.CreateCounter<long>(MalformedName, description: "DNS packets dropped because they were not a well-formed query.");
    }

    public void Answered(string transport, DnsRcode rcode) => _requests.Add(
        1,
        new KeyValuePair<string, object?>("network.transport", transport),
        new KeyValuePair<string, object?>("dns.rcode", rcode.ToString()));

    public void Malformed(string transport) =>
        _malformed.Add(1, new KeyValuePair<string, object?>("network.transport", transport));
}
