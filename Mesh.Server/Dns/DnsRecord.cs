using System.Net;
using System.Net.Sockets;

namespace Mesh.Server.Dns;

/// <summary>A resource record of the answer, authority or additional section; names end with ".".</summary>
internal abstract record DnsRecord(string Name, uint Ttl)
{
    public abstract DnsType Type { get; }

    /// <summary>Writes the RDATA (the writer fills in its length).</summary>
    public abstract void WriteData(DnsMessageWriter writer);

    /// <summary>An A or AAAA record for <paramref name="address"/>.</summary>
    public static DnsRecord For(string name, uint ttl, IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? new AaaaRecord(name, ttl, address) : new ARecord(name, ttl, address);
}

internal sealed record ARecord(string Name, uint Ttl, IPAddress Address) : DnsRecord(Name, Ttl)
{
    public override DnsType Type => DnsType.A;

    public override void WriteData(DnsMessageWriter writer) => writer.WriteAddress(Address);
}

internal sealed record AaaaRecord(string Name, uint Ttl, IPAddress Address) : DnsRecord(Name, Ttl)
{
    public override DnsType Type => DnsType.Aaaa;

    public override void WriteData(DnsMessageWriter writer) => writer.WriteAddress(Address);
}

internal sealed record SrvRecord(string Name, uint Ttl, ushort Priority, ushort Weight, ushort Port, string Target) : DnsRecord(Name, Ttl)
{
    public override DnsType Type => DnsType.Srv;

    public override void WriteData(DnsMessageWriter writer)
    {
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteUInt16(Port);
        // RFC 2782 forbids compressing the target; resolvers that follow it would misread a pointer.
        writer.WriteName(Target, compress: false);
    }
}

internal sealed record NsRecord(string Name, uint Ttl, string Host) : DnsRecord(Name, Ttl)
{
    public override DnsType Type => DnsType.Ns;

    public override void WriteData(DnsMessageWriter writer) => writer.WriteName(Host, compress: true);
}

internal sealed record SoaRecord(string Name, uint Ttl, string PrimaryServer, string Mailbox, uint Serial, uint Refresh, uint Retry, uint Expire, uint MinimumTtl)
    : DnsRecord(Name, Ttl)
{
    public override DnsType Type => DnsType.Soa;

    public override void WriteData(DnsMessageWriter writer)
    {
        writer.WriteName(PrimaryServer, compress: true);
        writer.WriteName(Mailbox, compress: true);
        writer.WriteUInt32(Serial);
        writer.WriteUInt32(Refresh);
        writer.WriteUInt32(Retry);
        writer.WriteUInt32(Expire);
        writer.WriteUInt32(MinimumTtl);
    }
}

internal sealed record PtrRecord(string Name, uint Ttl, string Host) : DnsRecord(Name, Ttl)
{
    public override DnsType Type => DnsType.Ptr;

    public override void WriteData(DnsMessageWriter writer) => writer.WriteName(Host, compress: true);
}

internal sealed record TxtRecord(string Name, uint Ttl, string Text) : DnsRecord(Name, Ttl)
{
    public override DnsType Type => DnsType.Txt;

    public override void WriteData(DnsMessageWriter writer) => writer.WriteCharacterString(Text);
}
