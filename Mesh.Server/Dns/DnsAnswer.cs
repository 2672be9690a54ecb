namespace Mesh.Server.Dns;

/// <summary>What the agent answers a query with, before it is fitted to the transport.</summary>
internal sealed record DnsAnswer(
    DnsRcode Rcode,
    IReadOnlyList<DnsRecord> Answers,
    IReadOnlyList<DnsRecord> Authority,
    IReadOnlyList<DnsRecord> Additional)
{
    public static DnsAnswer Of(DnsRcode rcode) => new(rcode, [], [], []);
}
