using System.Net;
using System.Text;

namespace Mesh.Bench;

/// <summary>
/// What a proxy pair holds for connections that sit idle: <see cref="Count"/> keep-alive connections, each with one
/// GET answered through the pair (so every hop is open), left idle; the proxies' RSS growth per connection.
/// </summary>
internal static class IdleConnections
{
    public const int Count = 1_000;

    public static async Task<double> BytesPerConnectionAsync(Uri target, IReadOnlyList<int> proxies, CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {target.Authority}\r\n\r\n");
        var before = Rss(proxies);
        var connections = await RawHttpConnection.ConnectManyAsync(new IPEndPoint(IPAddress.Parse(target.Host), target.Port), Count, cancellationToken).ConfigureAwait(false);
        try
        {
            await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (connection, token) =>
            {
                await connection.SendAsync(request, token).ConfigureAwait(false);
                var head = await connection.ReadHeadAsync(token).ConfigureAwait(false);
                await connection.SkipBodyAsync(token).ConfigureAwait(false);
                if (head.Status != 200)
                {
                    throw new BenchException($"an idle connection's GET answered {head.Status}");
                }
            }).ConfigureAwait(false);
            return (double)(Rss(proxies) - before) / Count;
        }
        finally
        {
            RawHttpConnection.DisposeAll(connections);
        }
    }

    private static long Rss(IReadOnlyList<int> pids) => pids.Sum(pid => ProcStats.Read(pid).RssBytes);
}
