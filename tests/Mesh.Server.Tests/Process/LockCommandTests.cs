using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Server.Tests.Process;

/// <summary>
/// `mesh lock` processes racing for one prefix: the child (a shell loop) records when it starts and ends in a shared
/// log and runs until the test creates its release file.
/// </summary>
public sealed class LockCommandTests : IDisposable
{
    private static readonly TimeSpan Handoff = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("mesh-lock-");

    public void Dispose() => _work.Delete(recursive: true);

    private string Log => Path.Combine(_work.FullName, "log");

    private string[] LogLines() => File.Exists(Log) ? File.ReadAllLines(Log) : [];

    private bool Holds(string name) => File.Exists(Path.Combine(_work.FullName, "held-" + name));

    private void Release(string name) => File.WriteAllText(Path.Combine(_work.FullName, "release-" + name), "");

    /// <summary>`mesh lock [flags] PREFIX CHILD` against <paramref name="agent"/>; the child holds until released.</summary>
    private LockProcess StartLock(string name, AgentProcess agent, string prefix, params string[] flags)
    {
        var dir = _work.FullName;
        var child = $"echo start {name} >> {dir}/log; touch {dir}/held-{name}; " +
                    $"while [ ! -f {dir}/release-{name} ]; do sleep 0.05; done; echo end {name} >> {dir}/log";
        return new LockProcess(System.Diagnostics.Process.Start(MeshProcess.StartInfo(["lock", .. flags, prefix, child], agent.CliEnvironment))!);
    }

    private static async Task<int> SessionCountAsync(AgentProcess agent) =>
        (await agent.Http.GetFromJsonAsync<JsonElement>("/v1/session/list")).GetArrayLength();

    [Fact]
    public async Task Two_lock_processes_run_their_children_one_at_a_time()
    {
        await using var agent = await AgentProcess.StartAsync("-dev", "-node=dev1");
        using var a = StartLock("a", agent, "svc/leader");
        using var b = StartLock("b", agent, "svc/leader");

        await Eventually.TrueAsync(() => Holds("a") || Holds("b"), "one child to start", Handoff);
        var (winner, loser, winnerProcess, loserProcess) = Holds("a") ? ("a", "b", a, b) : ("b", "a", b, a);
        // Both sessions exist: the loser is contending, and its child has not started.
        await Eventually.TrueAsync(async () => await SessionCountAsync(agent) == 2, "both contenders' sessions", Handoff);
        Assert.False(Holds(loser));
        var lockKey = (await agent.Http.GetFromJsonAsync<JsonElement>("/v1/kv/svc/leader/.lock"))[0];
        Assert.Equal(1, lockKey.GetProperty("LockIndex").GetInt32());

        Release(winner);
        Assert.Equal(0, await winnerProcess.WaitAsync());
        await Eventually.TrueAsync(() => Holds(loser), "the other child to start", Handoff);
        Release(loser);
        Assert.Equal(0, await loserProcess.WaitAsync());

        Assert.Equal([$"start {winner}", $"end {winner}", $"start {loser}", $"end {loser}"], LogLines());
        // The last holder cleaned the lock up, and both sessions are gone.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await agent.Http.GetAsync("/v1/kv/svc/leader/.lock")).StatusCode);
        Assert.Equal(0, await SessionCountAsync(agent));
    }

    [Fact]
    public async Task A_semaphore_admits_n_holders_at_once()
    {
        await using var agent = await AgentProcess.StartAsync("-dev", "-node=dev1");
        using var a = StartLock("a", agent, "pool", "-n=2");
        using var b = StartLock("b", agent, "pool", "-n=2");
        await Eventually.TrueAsync(() => Holds("a") && Holds("b"), "both children to run", Handoff);
        using var c = StartLock("c", agent, "pool", "-n=2");
        await Eventually.TrueAsync(async () => await SessionCountAsync(agent) == 3, "the third contender", Handoff);
        Assert.False(Holds("c"));
        var state = JsonDocument.Parse(await agent.Http.GetStringAsync("/v1/kv/pool/.lock?raw")).RootElement;
        Assert.Equal(2, state.GetProperty("Limit").GetInt32());
        Assert.Equal(2, state.GetProperty("Holders").EnumerateObject().Count());

        Release("a");
        Assert.Equal(0, await a.WaitAsync());
        await Eventually.TrueAsync(() => Holds("c"), "the third child to run", Handoff);
        Release("b");
        Release("c");
        Assert.Equal(0, await b.WaitAsync());
        Assert.Equal(0, await c.WaitAsync());
    }

    [Fact]
    public async Task The_lock_moves_to_the_waiter_when_the_holders_agent_is_killed()
    {
        var dataDirs = new List<DirectoryInfo>();
        try
        {
            await using var server = await AgentProcess.StartAsync("-dev", "-node=server1");
            Task<AgentProcess> Client(string name)
            {
                var dir = Directory.CreateTempSubdirectory("mesh-client-");
                dataDirs.Add(dir);
                return AgentProcess.StartAsync($"-node={name}", "-bind=127.0.0.1", $"-data-dir={dir.FullName}", $"-retry-join={server.SerfAddress}");
            }
            await using var client1 = await Client("client1");
            await using var client2 = await Client("client2");
            // A session needs its node's serfHealth, which the leader registers once gossip sees the client.
            await Eventually.TrueAsync(async () => await PassingSerfChecksAsync(server) == 3, "three passing nodes", Handoff);

            using var a = StartLock("a", client1, "job");
            using var b = StartLock("b", client2, "job");
            await Eventually.TrueAsync(() => Holds("a") || Holds("b"), "one child to start", Handoff);
            var (winner, loser, winnerProcess, loserProcess, winnerAgent) = Holds("a") ? ("a", "b", a, b, client1) : ("b", "a", b, a, client2);
            await Eventually.TrueAsync(async () => await SessionCountAsync(server) == 2, "both contenders' sessions", Handoff);

            await winnerAgent.KillAsync();

            // The holder's lock command loses its agent, stops its child and fails; the waiter takes over once the
            // node fails in gossip and the lock delay has passed.
            Assert.NotEqual(0, await winnerProcess.WaitAsync());
            await Eventually.TrueAsync(() => Holds(loser), "the waiter's child to start", Handoff);
            Assert.Equal([$"start {winner}", $"start {loser}"], LogLines());
            Release(loser);
            Assert.Equal(0, await loserProcess.WaitAsync());
        }
        finally
        {
            dataDirs.ForEach(d => d.Delete(recursive: true));
        }
    }

    private static async Task<int> PassingSerfChecksAsync(AgentProcess server) =>
        (await server.Http.GetFromJsonAsync<JsonElement>("/v1/health/state/passing")).EnumerateArray()
            .Count(c => c.GetProperty("CheckID").GetString() == "serfHealth");

    /// <summary>A running `mesh lock`; disposing kills it (and its child) if the test failed midway.</summary>
    private sealed class LockProcess(System.Diagnostics.Process process) : IDisposable
    {
        public async Task<int> WaitAsync()
        {
            using var deadline = new CancellationTokenSource(Handoff);
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            process.Dispose();
        }
    }
}
