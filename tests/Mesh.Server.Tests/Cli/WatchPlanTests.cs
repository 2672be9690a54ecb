using System.Net;
using Mesh.Server.Cli;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Commands.Watch;

namespace Mesh.Server.Tests.Cli;

/// <summary>The watch loop's index handling and back-off, against scripted answers.</summary>
public sealed class WatchPlanTests
{
    [Fact]
    public async Task The_loop_skips_unchanged_answers_resets_a_backwards_index_and_backs_off_quadratically_on_errors()
    {
        var answers = new Queue<(HttpStatusCode Status, ulong Index, string Body)>(
        [
            (HttpStatusCode.OK, 10, """[{"Key":"k","Value":"YQ=="}]"""),
            (HttpStatusCode.OK, 10, """[{"Key":"k","Value":"YQ=="}]"""), // the wait ran out
            (HttpStatusCode.OK, 12, """[{"Key":"k","Value":"YQ=="}]"""), // index moved, value did not
            (HttpStatusCode.OK, 5, """[{"Key":"k","Value":"Yg=="}]"""),  // backwards: a restored snapshot
            (HttpStatusCode.InternalServerError, 0, "no leader"),
            (HttpStatusCode.InternalServerError, 0, "no leader"),
            (HttpStatusCode.OK, 20, """[{"Key":"k","Value":"Yg=="}]"""), // after an error, always handed on
        ]);
        var requested = new List<string>();
        using var http = new ScriptedHandler(request =>
        {
            requested.Add(request.RequestUri!.Query);
            var (status, index, body) = answers.Dequeue();
            var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
            response.Headers.Add("X-Consul-Index", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        });
        using var client = new ApiClient(new Uri("http://127.0.0.1:1"), token: null, datacenter: null, http);
        using var stderr = new StringWriter();
        var context = new CliContext(TextWriter.Null, stderr, TextReader.Null, _ => null, (_, _) => Task.FromResult(0));
        var time = new ImmediateTime();
        var (source, _) = new WatchParameters("key", "k", null, null, [], null, null, null, Stale: false).Resolve();

        var calls = new List<(ulong Index, string? Value)>();
        await new WatchPlan(source!, client, context, time).RunAsync((index, result) =>
        {
            calls.Add((index, result?["Value"]?.GetValue<string>()));
            return Task.FromResult(answers.Count > 0);
        }, CancellationToken.None);

        Assert.Equal([(10ul, "YQ=="), (5ul, "Yg=="), (20ul, "Yg==")], calls);
        Assert.Equal(["", "?index=10", "?index=10", "?index=12", "", "", ""], requested);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)], time.Delays);
        Assert.Contains("[ERROR] watch: Watch errored: type=key error=\"Unexpected response code: 500 (no leader)\" retry=5s", stderr.ToString(), StringComparison.Ordinal);
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }

    /// <summary>Records each delay asked for and lets it pass at once.</summary>
    private sealed class ImmediateTime : TimeProvider
    {
        public List<TimeSpan> Delays { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Delays.Add(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
