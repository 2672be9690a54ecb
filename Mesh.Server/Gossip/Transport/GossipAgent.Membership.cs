using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Gossip;

/// <summary>Joining the pool (Consul's -join / -retry-join addresses) and leaving it gracefully.</summary>
public sealed partial class GossipAgent
{
    private readonly Dictionary<long, TaskCompletionSource<JoinFinished>> _joins = [];
    private readonly TaskCompletionSource _leaveFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Push-pull joins every address ("host", "host:port" or "[v6]:port"; port 8301 by default) and returns how
    /// many answered. Throws <see cref="GossipException"/> naming each failure when none did.
    /// </summary>
    public async Task<int> JoinAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default)
    {
        var errors = new List<string>();
        var endpoints = new List<IPEndPoint>();
        foreach (var address in addresses)
        {
            try
            {
                endpoints.AddRange(await ResolveAsync(address, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is SocketException or FormatException or ArgumentException)
            {
                errors.Add($"{address}: {exception.Message}");
            }
        }
        var pending = new List<Task<JoinFinished>>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
        Run(node =>
        {
            var actions = node.Join(endpoints.Distinct());
            foreach (var stream in actions.OfType<OpenStream>())
            {
                var finished = new TaskCompletionSource<JoinFinished>(TaskCreationOptions.RunContinuationsAsynchronously);
                _joins[stream.StreamId] = finished;
                pending.Add(finished.Task);
            }
            return actions;
        });
        var results = await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        errors.AddRange(results.Where(result => !result.Succeeded).Select(result => $"{result.Address}: {result.Error}"));
        var joined = results.Count(result => result.Succeeded);
        if (joined == 0)
        {
            throw new GossipException($"gossip: failed to join any member: {string.Join("; ", errors.DefaultIfEmpty("no addresses given"))}");
        }
        foreach (var error in errors)
        {
            _logger.LogWarning("gossip: join {Error}", error);
        }
        return joined;
    }

    /// <summary>Tells the pool we are leaving and waits (up to the leave timeout) until the news went out.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        Run(node => node.Leave());
        try
        {
            await _leaveFinished.Task.WaitAsync(_options.LeaveTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("gossip: leave broadcast not confirmed within {Timeout}", _options.LeaveTimeout);
        }
    }

    /// <summary>Declares a failed member left across the pool (Consul's force-leave); false when it is unknown or not failed.</summary>
    public bool ForceLeave(string name)
    {
        var forced = false;
        Run(node =>
        {
            forced = node.ForceLeave(name, out var actions);
            return actions;
        });
        return forced;
    }

    /// <summary>Parses "host", "host:port", "[v6]" or "[v6]:port" and resolves host names.</summary>
    internal static async Task<IReadOnlyList<IPEndPoint>> ResolveAsync(string address, CancellationToken cancellationToken)
    {
        var (host, port) = SplitHostPort(address.Trim());
        if (IPAddress.TryParse(host, out var ip))
        {
            return [new IPEndPoint(ip, port)];
        }
        var resolved = await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return [.. resolved.OrderBy(candidate => candidate.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).Select(candidate => new IPEndPoint(candidate, port))];
    }

    private static (string Host, int Port) SplitHostPort(string address)
    {
        if (address.Length == 0)
        {
            throw new FormatException("empty address");
        }
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']');
            if (close < 0)
            {
                throw new FormatException("missing ']' in address");
            }
            var rest = address[(close + 1)..];
            return (address[1..close], rest.Length == 0 ? GossipOptions.DefaultPort : ParsePort(rest.StartsWith(':') ? rest[1..] : throw new FormatException("expected ':' after ']'")));
        }
        var colon = address.IndexOf(':');
        // More than one colon without brackets is a bare IPv6 address.
        return colon < 0 || colon != address.LastIndexOf(':')
            ? (address, GossipOptions.DefaultPort)
            : (address[..colon], ParsePort(address[(colon + 1)..]));
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"invalid port '{text}'");

    private void FinishJoin(JoinFinished join)
    {
        if (_joins.Remove(join.StreamId, out var finished))
        {
            finished.TrySetResult(join);
        }
    }

    private void FailPendingJoins()
    {
        lock (_gate)
        {
            foreach (var (id, finished) in _joins)
            {
                finished.TrySetResult(new JoinFinished(id, new IPEndPoint(IPAddress.None, 0), false, "the agent stopped"));
            }
            _joins.Clear();
        }
    }
}
