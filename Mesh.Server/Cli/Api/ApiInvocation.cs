using System.CommandLine;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Api;

/// <summary>
/// One run of an API-backed command. Its action checks what it can offline first, then reaches the
/// agent through <see cref="CallAsync"/>, so usage errors win over connection errors, as in Consul.
/// </summary>
internal sealed class ApiInvocation(HttpFlags http, ParseResult result, CliContext context, CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>Connects and runs <paramref name="call"/>; a failed call ends the command with "<paramref name="failure"/>: reason".</summary>
    public Task<int> CallAsync(string failure, Func<ApiClient, CancellationToken, Task<int>> call) =>
        ConnectAsync(client => GuardAsync(failure, () => call(client, cancellationToken)));

    /// <summary>Runs <paramref name="use"/> with a client for the agent the HTTP flags name; 1 when they name none usable (already reported).</summary>
    public async Task<int> ConnectAsync(Func<ApiClient, Task<int>> use)
    {
        using var client = http.CreateClient(result, context);
        return client is null ? 1 : await use(client);
    }

    /// <summary>Runs agent calls; an <see cref="ApiException"/> ends the command with "<paramref name="failure"/>: reason".</summary>
    public async Task<int> GuardAsync(string failure, Func<Task<int>> calls)
    {
        try
        {
            return await calls();
        }
        catch (ApiException ex)
        {
            return context.Fail($"{failure}: {ex.Message}");
        }
    }
}
