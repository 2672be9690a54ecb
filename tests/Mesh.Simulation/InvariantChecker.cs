using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>
/// Raft's safety properties, checked incrementally after every step of the server that stepped:
/// election safety, log matching, leader completeness, state machine safety, and that every acknowledged
/// proposal stays in the log of every later leader and reads see every write acknowledged before them.
/// </summary>
internal sealed class InvariantChecker
{
    private readonly Dictionary<ulong, string> _leaders = [];
    private readonly Dictionary<(ulong Index, ulong Term), ulong> _chains = [];

    // Chained hash of the committed prefix, by index (index 0 = the empty log).
    private readonly List<ulong> _committed = [0];

    // Highest commit index each term's leader reached: entries through it were committed in that term.
    private readonly SortedDictionary<ulong, ulong> _leaderCommits = [];
    private readonly List<(ulong Term, ulong Command)?> _applied = [null];
    private readonly List<Acknowledged> _acknowledged = [];

    public ulong MaxAcknowledgedIndex { get; private set; }

    public IReadOnlyList<Acknowledged> AcknowledgedProposals => _acknowledged;

    public ulong CommittedIndex => (ulong)_committed.Count - 1;

    /// <summary>Election safety: at most one leader per term.</summary>
    public void OnLeader(string node, ulong term)
    {
        if (_leaders.TryGetValue(term, out var leader))
        {
            if (leader != node)
            {
                throw new SimulationException($"election safety: {leader} and {node} are both leaders of term {term}");
            }
            return;
        }
        _leaders[term] = node;
    }

    /// <summary>Log matching: one chained hash per (index, term) across all servers and all time.</summary>
    public void OnEntry(ulong index, ulong term, ulong chain, string node)
    {
        if (_chains.TryGetValue((index, term), out var known))
        {
            if (known != chain)
            {
                throw new SimulationException($"log matching: {node} holds entry {index}@{term} after a prefix different from another server's");
            }
            return;
        }
        _chains[(index, term)] = chain;
    }

    public ulong ChainOf(ulong index, ulong term, string node)
    {
        if (index == 0)
        {
            return 0;
        }
        return _chains.TryGetValue((index, term), out var chain)
            ? chain
            : throw new SimulationException($"{node}'s log starts after {index}@{term}, an entry no server ever held");
    }

    /// <summary>Committed entries never change, on any server.</summary>
    public void OnCommit(string node, ulong commit, LogMirror mirror, bool isLeader, ulong term)
    {
        var known = CommittedIndex;
        if (commit <= known)
        {
            if (mirror.Knows(commit) && mirror.ChainAt(commit) != _committed[(int)commit])
            {
                throw new SimulationException($"commit safety: {node} committed a different entry at {commit}");
            }
        }
        else
        {
            if (!mirror.Knows(known) && known > 0)
            {
                throw new SimulationException($"{node} committed {commit} past a snapshot beyond anything committed ({known})");
            }
            if (mirror.ChainAt(known) != _committed[(int)known])
            {
                throw new SimulationException($"commit safety: {node} commits {commit} on a prefix that differs from the committed one at {known}");
            }
            for (var index = known + 1; index <= commit; index++)
            {
                _committed.Add(mirror.ChainAt(index));
            }
        }
        if (isLeader)
        {
            _leaderCommits[term] = Math.Max(_leaderCommits.GetValueOrDefault(term), commit);
        }
    }

    /// <summary>Leader completeness: a new leader of term T holds every entry committed in terms before T and every acknowledged proposal.</summary>
    public void OnBecameLeader(string node, ulong term, LogMirror mirror)
    {
        var committedBefore = _leaderCommits.Where(c => c.Key < term).Select(c => c.Value).DefaultIfEmpty(0UL).Max();
        RequirePrefix(node, term, mirror, committedBefore, "leader completeness: it lacks committed entry");
        var acknowledgedBefore = _acknowledged.Where(a => a.CommitTerm < term).Select(a => a.Index).DefaultIfEmpty(0UL).Max();
        RequirePrefix(node, term, mirror, acknowledgedBefore, "it lacks an acknowledged proposal at");
    }

    private void RequirePrefix(string node, ulong term, LogMirror mirror, ulong index, string what)
    {
        if (index == 0)
        {
            return;
        }
        if (mirror.LastIndex < index)
        {
            throw new SimulationException($"{node} became leader of term {term} but {what} {index} (its log ends at {mirror.LastIndex})");
        }
        var at = Math.Max(index, mirror.KnownFrom);
        if (at <= CommittedIndex && mirror.ChainAt(at) != _committed[(int)at])
        {
            throw new SimulationException($"{node} became leader of term {term} but {what} {index}");
        }
    }

    /// <summary>State machine safety: every server applies the same entry at an index, and only committed ones.</summary>
    public void OnApply(string node, LogEntry entry)
    {
        if (entry.Index > CommittedIndex || _chains.GetValueOrDefault((entry.Index, entry.Term)) != _committed[(int)entry.Index])
        {
            throw new SimulationException($"state machine safety: {node} applied {entry}, which is not the committed entry at {entry.Index}");
        }
        while ((ulong)_applied.Count <= entry.Index)
        {
            _applied.Add(null);
        }
        var command = entry.Kind == EntryKind.Command ? SimStateMachine.CommandId(entry) : 0;
        var seen = _applied[(int)entry.Index];
        if (seen is null)
        {
            _applied[(int)entry.Index] = (entry.Term, command);
        }
        else if (seen.Value != (entry.Term, command))
        {
            throw new SimulationException($"state machine safety: {node} applied {entry} where another server applied term {seen.Value.Term}");
        }
    }

    /// <summary>A restored snapshot holds exactly the commands applied elsewhere through its index.</summary>
    public void OnRestore(string node, SimStateMachine machine)
    {
        var expected = new List<(ulong, ulong)>();
        for (var index = 1; index <= (int)machine.Index && index < _applied.Count; index++)
        {
            if (_applied[index] is { } applied && applied.Command != 0)
            {
                expected.Add(((ulong)index, applied.Command));
            }
        }
        if (machine.Index >= (ulong)_applied.Count || !expected.SequenceEqual(machine.Commands))
        {
            throw new SimulationException($"state machine safety: {node} restored a snapshot at {machine.Index} that differs from what was applied");
        }
    }

    /// <summary>A proposal reported successful to its client: it must be committed, and stays so forever.</summary>
    public void OnAcknowledged(string node, LogEntry entry)
    {
        if (entry.Index > CommittedIndex || _chains.GetValueOrDefault((entry.Index, entry.Term)) != _committed[(int)entry.Index])
        {
            throw new SimulationException($"{node} acknowledged {entry}, which is not committed");
        }
        var commitTerm = _leaderCommits.Where(c => c.Value >= entry.Index).Select(c => c.Key).DefaultIfEmpty(ulong.MaxValue).Min();
        _acknowledged.Add(new Acknowledged(entry.Index, entry.Term, SimStateMachine.CommandId(entry), commitTerm));
        MaxAcknowledgedIndex = Math.Max(MaxAcknowledgedIndex, entry.Index);
    }

    /// <summary>Linearizable reads: the read index covers every write acknowledged before the read was issued.</summary>
    public static void OnReadReady(string node, ulong readIndex, ulong acknowledgedBeforeRead, bool lease)
    {
        if (readIndex < acknowledgedBeforeRead)
        {
            throw new SimulationException(
                $"stale read: {node} answered a {(lease ? "lease" : "ReadIndex")} read at index {readIndex}, but {acknowledgedBeforeRead} was acknowledged before it was issued");
        }
    }
}

internal sealed record Acknowledged(ulong Index, ulong Term, ulong Command, ulong CommitTerm);
