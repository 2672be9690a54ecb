using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Services;

/// <summary>The agent calls of <c>services register</c> and <c>services deregister</c>.</summary>
internal static class ServiceCalls
{
    /// <summary>
    /// One call per service over one client, in order, each announced as "<paramref name="done"/> service: NAME";
    /// the first failure ends the command with "Error <paramref name="doing"/> service "NAME": reason", as Consul's loop does.
    /// </summary>
    public static Task<int> EachAsync<T>(ApiInvocation api, CliContext context, IEnumerable<T> services, Func<T, string> nameOf,
        string doing, string done, Func<ApiClient, T, CancellationToken, Task> call) =>
        api.ConnectAsync(async client =>
        {
            foreach (var service in services)
            {
                var name = nameOf(service);
                var exitCode = await api.GuardAsync($"Error {doing} service \"{name}\"", async () =>
                {
                    await call(client, service, api.CancellationToken);
                    return context.Succeed($"{done} service: {name}");
                });
                if (exitCode != 0)
                {
                    return exitCode;
                }
            }
            return 0;
        });
}
