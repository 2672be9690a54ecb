using System.Globalization;
using System.Net;

namespace Mesh.Server.Config;

/// <summary>domain, recursors and dns_config.</summary>
internal static partial class AgentConfigResolver
{
    private static string ResolveDomain(Located<string>? value)
    {
        var domain = (value?.Value ?? AgentDefaults.Domain).Trim().ToLowerInvariant().TrimEnd('.');
        return domain.Length == 0 || domain.Split('.').Any(label => label.Length is 0 or > 63)
            ? throw Error(value, $"domain must be a DNS name, got \"{value?.Value}\"")
            : domain + ".";
    }

    // Consul takes "ip" (port 53) or "ip:port"; we keep the endpoint text the DNS forwarder parses.
    private static string ResolveRecursor(string recursor)
    {
        if (IPAddress.TryParse(recursor, out var ip))
        {
            return new IPEndPoint(ip, 53).ToString();
        }
        return IPEndPoint.TryParse(recursor, out var endpoint) && endpoint.Port != 0
            ? endpoint.ToString()
            : throw new ConfigException(null, $"Invalid recursor address \"{recursor}\": it must be an IP address, optionally with a port");
    }

    private static DnsSettings ResolveDns(DnsConfigSection? dns)
    {
        var defaults = new DnsSettings();
        return new DnsSettings
        {
            AllowStale = dns?.AllowStale?.Value ?? defaults.AllowStale,
            OnlyPassing = dns?.OnlyPassing?.Value ?? defaults.OnlyPassing,
            NodeTtl = NotNegative(dns?.NodeTtl, defaults.NodeTtl, "dns_config.node_ttl"),
            ServiceTtl = (dns?.ServiceTtl ?? []).ToDictionary(
                pair => pair.Key,
                pair => pair.Value >= TimeSpan.Zero
                    ? pair.Value
                    : throw new ConfigException(null, string.Create(CultureInfo.InvariantCulture, $"dns_config.service_ttl.{pair.Key} cannot be negative")),
                StringComparer.OrdinalIgnoreCase),
            ARecordLimit = NotNegative(dns?.ARecordLimit, defaults.ARecordLimit, "dns_config.a_record_limit"),
            UdpAnswerLimit = NotNegative(dns?.UdpAnswerLimit, defaults.UdpAnswerLimit, "dns_config.udp_answer_limit"),
            RecursorTimeout = NotNegative(dns?.RecursorTimeout, defaults.RecursorTimeout, "dns_config.recursor_timeout"),
        };
    }

    private static T NotNegative<T>(Located<T>? value, T fallback, string key)
        where T : struct, IComparable<T>
    {
        var resolved = value?.Value ?? fallback;
        return resolved.CompareTo(default) >= 0 ? resolved : throw Error(value, $"{key} cannot be negative");
    }
}
