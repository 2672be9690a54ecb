using System.Globalization;
using System.Text;

namespace Mesh.Server.Config;

/// <summary>
/// Go's duration syntax, which Consul uses everywhere: "1s", "1m30s", "500ms", "1.5h", "72h", "0".
/// Units: ns, us (µs), ms, s, m, h. A TimeSpan holds 100 ns ticks, so finer parts are truncated.
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, decimal Nanoseconds)[] _units =
    [
        ("ns", 1m), ("us", 1_000m), ("µs", 1_000m), ("μs", 1_000m), ("ms", 1_000_000m),
        ("s", 1_000_000_000m), ("m", 60_000_000_000m), ("h", 3_600_000_000_000m),
    ];

    /// <summary>Parses e.g. "1m30s"; false (with the reason) when <paramref name="text"/> is not a Go duration.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = "";
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            error = $"invalid duration \"{text}\"";
            return false;
        }

        var total = 0m;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }

            var unitLength = 0;
            while (numberLength + unitLength < s.Length && !char.IsAsciiDigit(s[numberLength + unitLength]) && s[numberLength + unitLength] != '.')
            {
                unitLength++;
            }

            var unit = s.Slice(numberLength, unitLength).ToString();
            if (!decimal.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"invalid duration \"{text}\"";
                return false;
            }

            if (unitLength == 0)
            {
                error = $"missing unit in duration \"{text}\" (use ns, us, ms, s, m or h)";
                return false;
            }

            var scale = Array.Find(_units, u => u.Unit == unit).Nanoseconds;
            if (scale == 0)
            {
                error = $"unknown unit \"{unit}\" in duration \"{text}\" (use ns, us, ms, s, m or h)";
                return false;
            }

            total += number * scale;
            if (total > long.MaxValue)
            {
                error = $"duration \"{text}\" is too long";
                return false;
            }

            s = s[(numberLength + unitLength)..];
        }

        value = FromNanoseconds((long)(negative ? -total : total));
        return true;
    }

    /// <summary>An integer count of nanoseconds (Go's time.Duration in JSON) as a TimeSpan.</summary>
    public static TimeSpan FromNanoseconds(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / 100);

    /// <summary>A TimeSpan as Go's time.Duration in JSON: an integer count of nanoseconds.</summary>
    public static long ToNanoseconds(TimeSpan value) => value.Ticks * 100;

    /// <summary>Formats like Go's Duration.String(): "1m30s", "500ms", "72h0m0s", "0s".</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = value < TimeSpan.Zero ? "-" : "";
        var ns = Math.Abs((decimal)value.Ticks * 100);
        if (ns < 1_000_000_000m)
        {
            var (unit, scale) = ns < 1_000m ? ("ns", 1m) : ns < 1_000_000m ? ("µs", 1_000m) : ("ms", 1_000_000m);
            return sign + Fraction(ns / scale) + unit;
        }

        var sb = new StringBuilder(sign);
        var hours = decimal.Floor(ns / 3_600_000_000_000m);
        ns -= hours * 3_600_000_000_000m;
        var minutes = decimal.Floor(ns / 60_000_000_000m);
        ns -= minutes * 60_000_000_000m;
        if (hours > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        return sb.Append(Fraction(ns / 1_000_000_000m)).Append('s').ToString();
    }

    private static string Fraction(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
