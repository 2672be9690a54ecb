using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class ScriptCheckTests
{
    private static CheckDefinition Shell(string script, TimeSpan? timeout = null, int outputMaxSize = 0) => new()
    {
        Args = ["/bin/sh", "-c", script],
        Interval = TimeSpan.FromSeconds(1),
        Timeout = timeout,
        OutputMaxSize = outputMaxSize,
    };

    [Fact]
    public async Task ExitCodesMapToStatuses()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("zero", Shell("echo hello; exit 0"));
        runner.Add("one", Shell("echo careful; exit 1"));
        runner.Add("two", Shell("echo out; echo err >&2; exit 2") with { Status = HealthStatus.Passing });

        Assert.Equal(new CheckUpdate("zero", HealthStatus.Passing, "hello\n"), await notifier.WaitForAsync("zero", _ => true));
        Assert.Equal(new CheckUpdate("one", HealthStatus.Warning, "careful\n"), await notifier.WaitForAsync("one", _ => true));
        var two = await notifier.WaitForAsync("two", _ => true);
        Assert.Equal(HealthStatus.Critical, two.Status);
        Assert.Contains("out\n", two.Output);
        Assert.Contains("err\n", two.Output);
    }

    [Fact]
    public async Task ArgsRunWithoutAShell()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("echo", new CheckDefinition { Args = ["/bin/echo", "$HOME", "a b"], Interval = TimeSpan.FromSeconds(1) });

        Assert.Equal(new CheckUpdate("echo", HealthStatus.Passing, "$HOME a b\n"), await notifier.WaitForAsync("echo", _ => true));
    }

    [Fact]
    public async Task HugeOutputIsCutToTheLastBytes()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("huge", Shell("head -c 100000 /dev/zero | tr '\\0' a; printf END"));
        runner.Add("small", Shell("head -c 100000 /dev/zero | tr '\\0' a; printf END", outputMaxSize: 100));

        var huge = await notifier.WaitForAsync("huge", _ => true);
        Assert.Equal(HealthStatus.Passing, huge.Status);
        Assert.Equal("Captured 4096 of 100003 bytes\n...\n" + new string('a', 4093) + "END", huge.Output);
        var small = await notifier.WaitForAsync("small", _ => true);
        Assert.Equal("Captured 100 of 100003 bytes\n...\n" + new string('a', 97) + "END", small.Output);
    }

    [Fact]
    public async Task ScriptPastItsTimeoutIsKilledAndCritical()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"mesh-check-{Guid.NewGuid():N}.pid");
        try
        {
            var notifier = new RecordingNotifier();
            await using var runner = CheckRunnerFactory.Create(notifier);

            runner.Add("slow", Shell($"sleep 30 & echo $! > {pidFile}; echo started; wait", TimeSpan.FromMilliseconds(500)) with
            {
                Status = HealthStatus.Passing,
            });

            var update = await notifier.WaitForAsync("slow", _ => true);
            Assert.Equal(new CheckUpdate("slow", HealthStatus.Critical, "Timed out (500ms) running check\n\nstarted\n"), update);
            var sleeper = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim());
            await Eventually.TrueAsync(() => !IsRunning(sleeper), "the script's child process to be killed");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task MissingProgramIsCritical()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("missing", new CheckDefinition
        {
            Args = ["/nonexistent/check-program"], Interval = TimeSpan.FromSeconds(1), Status = HealthStatus.Passing,
        });

        var update = await notifier.WaitForAsync("missing", _ => true);
        Assert.Equal(HealthStatus.Critical, update.Status);
        Assert.Contains("/nonexistent/check-program", update.Output);
    }

    /// <summary>Alive unless gone from /proc or a zombie waiting to be reaped.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
