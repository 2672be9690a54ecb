using Microsoft.Extensions.Logging;

namespace Mesh.Server.Gossip;

/// <summary>Answers a query this agent received; null sends no answer.</summary>
public delegate Task<byte[]?> GossipQueryHandler(GossipQuery query, CancellationToken cancellationToken);

/// <summary>The answers to one query: by member name, out of how many members were alive when it started.</summary>
public sealed record GossipQueryResult(int Expected, IReadOnlyDictionary<string, byte[]> Responses);

/// <summary>Queries: asking every member of the pool, and answering what others ask.</summary>
public sealed partial class GossipAgent
{
    private readonly Dictionary<string, GossipQueryHandler> _queryHandlers = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, QueryCollector> _queries = [];

    /// <summary>Answers queries named <paramref name="name"/> with <paramref name="handler"/>, replacing an earlier one.</summary>
    public void HandleQueries(string name, GossipQueryHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _queryHandlers[name] = handler;
        }
    }

    /// <summary>
    /// Asks every member (this one included) and collects their answers until all members alive at the start
    /// answered or the timeout passed. Throws <see cref="ArgumentException"/> when the query cannot be sent.
    /// </summary>
    public async Task<GossipQueryResult> QueryAsync(string name, byte[] payload, GossipQueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        var collector = new QueryCollector();
        var started = false;
        Run(node =>
        {
            var id = node.Query(name, payload, parameters ?? new GossipQueryParameters(), out var actions);
            _queries[id] = collector;
            started = true;
            return actions;
        });
        ObjectDisposedException.ThrowIf(!started, this);
        return await collector.Result.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void StartAnswer(GossipQuery query)
    {
        if (_queryHandlers.TryGetValue(query.Name, out var handler))
        {
            // Off the lock: the handler may take its time or call back into the agent.
            _ = Task.Run(() => AnswerAsync(query, handler));
        }
    }

    private async Task AnswerAsync(GossipQuery query, GossipQueryHandler handler)
    {
        try
        {
            var answer = await handler(query, _stopping.Token).ConfigureAwait(false);
            if (answer is not null)
            {
                Run(node => node.RespondToQuery(query, answer));
            }
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            _logger.LogError(exception, "gossip: failed to answer query {Query} from {Origin}", query.Name, query.Origin);
        }
        catch (Exception)
        {
            // Stopping: nobody waits for the answer.
        }
    }

    private void CollectResponse(QueryResponseReceived response)
    {
        if (_queries.TryGetValue(response.QueryId, out var collector))
        {
            collector.Responses[response.From] = response.Payload;
        }
    }

    private void FinishQuery(QueryFinished finished)
    {
        if (_queries.Remove(finished.QueryId, out var collector))
        {
            collector.Finish(finished.Expected);
        }
    }

    private void FailPendingQueries()
    {
        lock (_gate)
        {
            foreach (var collector in _queries.Values)
            {
                collector.Fail(new GossipException("gossip: the agent stopped before the query finished"));
            }
            _queries.Clear();
        }
    }

    /// <summary>Answers gathered under the agent's lock; the result is published once.</summary>
    private sealed class QueryCollector
    {
        private readonly TaskCompletionSource<GossipQueryResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Dictionary<string, byte[]> Responses { get; } = new(StringComparer.Ordinal);

        public Task<GossipQueryResult> Result => _result.Task;

        public void Fail(Exception error) => _result.TrySetException(error);

        public void Finish(int expected) => _result.TrySetResult(new GossipQueryResult(expected, new Dictionary<string, byte[]>(Responses, StringComparer.Ordinal)));
    }
}
