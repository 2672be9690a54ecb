using System.Diagnostics;
using System.Globalization;

namespace Mesh.Simulation;

/// <summary>
/// <c>dotnet run --project tests/Mesh.Simulation -c Release -- --seed-start S --seeds N [--nodes 3|5] [--steps K] [--trace]</c>.
/// Runs the seeds in parallel, prints each failing seed with its replay command and trace tail, and ends with
/// one line: <c>N seeds, M steps, V invariant violations</c> (exit code 1 if V > 0).
/// </summary>
public static class SimulatorCli
{
    public const long DefaultSteps = 50_000;

    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int seedStart = 1, seeds = 100;
        int? nodes = null;
        var steps = DefaultSteps;
        var trace = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--seed-start":
                        seedStart = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--seeds":
                        seeds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--nodes":
                        nodes = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        if (nodes is not (3 or 5))
                        {
                            throw new FormatException("--nodes must be 3 or 5");
                        }
                        break;
                    case "--steps":
                        steps = long.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--trace":
                        trace = true;
                        break;
                    default:
                        throw new FormatException($"unknown argument {args[i]}");
                }
            }
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            Console.Error.WriteLine($"error: {e.Message}. Usage: --seed-start S --seeds N [--nodes 3|5] [--steps K] [--trace]");
            return 2;
        }

        var stopwatch = Stopwatch.StartNew();
        var results = new SimulationResult[seeds];
        Parallel.For(0, seeds, i =>
        {
            var seed = seedStart + i;
            results[i] = ClusterSimulation.Run(new SimulationSettings(seed, nodes ?? NodesFor(seed), steps, trace));
        });
        foreach (var failed in results.Where(r => r.Violation is not null))
        {
            Report(failed, nodes is null);
        }
        if (trace)
        {
            foreach (var result in results.Where(r => r.Violation is null))
            {
                result.Trace.ToList().ForEach(Console.WriteLine);
            }
        }
        var violations = results.Count(r => r.Violation is not null);
        var totalSteps = results.Sum(r => r.Steps);
        Console.Error.WriteLine(
            $"{stopwatch.Elapsed.TotalSeconds:F1} s; acknowledged {results.Sum(r => r.Stats.Acknowledged)}, leaders {results.Sum(r => r.Stats.Leaders)}, " +
            $"crashes {results.Sum(r => r.Stats.Crashes)}, snapshot installs {results.Sum(r => r.Stats.SnapshotsInstalled)}, " +
            $"membership changes {results.Sum(r => r.Stats.MembershipChanges)}, transfers {results.Sum(r => r.Stats.Transfers)}, reads {results.Sum(r => r.Stats.Reads)}, " +
            $"virtual time {results.Sum(r => r.Stats.VirtualMicroseconds) / 1e6:F0} s");
        Console.WriteLine($"{seeds} seeds, {totalSteps} steps, {violations} invariant violations");
        return violations > 0 ? 1 : 0;
    }

    /// <summary>Without --nodes, odd seeds run 5 servers and even seeds 3.</summary>
    public static int NodesFor(int seed) => seed % 2 == 0 ? 3 : 5;

    private static void Report(SimulationResult failed, bool mixedNodes)
    {
        var settings = failed.Settings;
        // Replaying the same seed with tracing on reproduces the identical run, now with its trace.
        var traced = failed.Trace.Count > 0 ? failed : ClusterSimulation.Run(settings with { Trace = true });
        Console.WriteLine($"seed {settings.Seed} ({settings.Nodes} nodes) FAILED after {failed.Steps} steps: {failed.Violation}");
        Console.WriteLine($"  replay: dotnet run --project tests/Mesh.Simulation -c Release -- --seed-start {settings.Seed} --seeds 1" +
            $"{(mixedNodes ? "" : $" --nodes {settings.Nodes}")} --steps {settings.Steps} --trace");
        // With --trace the whole run is printed; otherwise its tail.
        var lines = settings.Trace ? traced.Trace : traced.Trace.TakeLast(200);
        Console.WriteLine(settings.Trace ? "  events:" : "  last events:");
        foreach (var line in lines)
        {
            Console.WriteLine("    " + line);
        }
    }
}
