using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Bench;

/// <summary>What a DNS load run measured.</summary>
internal sealed record DnsResult(int Clients, long Queries, double QueriesPerSecond, Percentiles Latency, long Errors, string? FirstError);

/// <summary>
/// A closed-loop UDP DNS load generator: each client has its own socket and sends its next query (same name and
/// type, a new ID) as soon as the last was answered, checking the reply's ID, rcode and answer count.
/// </summary>
internal static class DnsLoad
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A query for <paramref name="name"/> type A, recursion desired, without EDNS0.</summary>
    public static byte[] Query(string name)
    {
        var packet = new List<byte> { 0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            packet.Add((byte)label.Length);
            packet.AddRange(Encoding.ASCII.GetBytes(label));
        }
        packet.AddRange([0, 0, 1, 0, 1]);
        return [.. packet];
    }

    /// <summary>Runs <paramref name="clients"/> clients for a warm-up, then for <paramref name="duration"/> counted.</summary>
    public static async Task<DnsResult> RunAsync(IPEndPoint server, string name, int answers, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var warmUp = TimeSpan.FromTicks(Math.Min(duration.Ticks / 4, TimeSpan.TicksPerSecond));
        await RunOnceAsync(server, name, answers, clients, warmUp, cancellationToken).ConfigureAwait(false);
        return await RunOnceAsync(server, name, answers, clients, duration, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DnsResult> RunOnceAsync(IPEndPoint server, string name, int answers, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var query = Query(name);
        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(0, clients)
            .Select(_ => Task.Run(() => ClientAsync(server, query, answers, clock, duration, cancellationToken), cancellationToken))).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        var queries = runs.Sum(r => (long)r.Latencies.Count);
        return new DnsResult(
            clients,
            queries,
            queries / elapsed,
            Percentiles.Of(runs.SelectMany(r => r.Latencies)),
            runs.Sum(r => r.Errors),
            runs.Select(r => r.FirstError).FirstOrDefault(e => e is not null));
    }

    private static async Task<ClientRun> ClientAsync(IPEndPoint server, byte[] template, int answers, Stopwatch clock, TimeSpan duration, CancellationToken cancellationToken)
    {
        var run = new ClientRun();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var query = (byte[])template.Clone();
        var reply = new byte[4096];
        ushort id = (ushort)Random.Shared.Next(ushort.MaxValue);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (clock.Elapsed < duration)
        {
            BinaryPrimitives.WriteUInt16BigEndian(query, ++id);
            var started = Stopwatch.GetTimestamp();
            timeout.CancelAfter(ReplyTimeout);
            try
            {
                await socket.SendAsync(query, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                int received;
                do
                {
                    received = await socket.ReceiveAsync(reply, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                }
                // A late reply to an earlier (timed-out) query is skipped.
                while (received < 12 || BinaryPrimitives.ReadUInt16BigEndian(reply) != id);
                var rcode = reply[3] & 0x0F;
                var count = BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(6));
                if (rcode != 0 || count != answers)
                {
                    run.Fail($"rcode {rcode}, {count} answers (expected {answers})");
                    continue;
                }
                run.Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                run.Fail($"no reply within {ReplyTimeout.TotalSeconds:0} s");
            }
            catch (SocketException e)
            {
                run.Fail(e.Message);
            }
            if (!timeout.TryReset())
            {
                break;
            }
        }
        return run;
    }

    private sealed class ClientRun
    {
        public List<double> Latencies { get; } = [];

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public void Fail(string error)
        {
            Errors++;
            FirstError ??= error;
        }
    }
}
