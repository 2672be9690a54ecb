using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Config;

namespace Mesh.Server.Cli.Commands.Services;

/// <summary><c>mesh services deregister</c>: by <c>-id</c>, or every service in the given definition files.</summary>
internal static class ServicesDeregisterCommand
{
    private const string Help = """
        Usage: mesh services deregister [options] [FILE...]

          Deregister one or more services that were previously registered with
          the local agent.

              $ mesh services deregister web.json db.json

          The -id flag may be used to deregister a single service by ID:

              $ mesh services deregister -id=web

          Services are deregistered from the local agent catalog. This command must
          be run against the same agent where the service was registered.
        """;

    public static CliCommand Create(CliContext context)
    {
        var id = GoFlag.String("id", "ID to delete. This must not be set if arguments are given.");
        var command = new CliCommand("deregister", "Deregister services with the local agent", Help) { id };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.Any, async (result, files, api) =>
        {
            var flagId = result.GetValue(id) ?? "";
            if (files.Length == 0 && flagId.Length == 0)
            {
                return context.Fail("Service deregistration requires at least one argument or -id.");
            }
            if (files.Length > 0 && flagId.Length > 0)
            {
                return context.Fail("Service deregistration requires arguments or -id, not both.");
            }

            List<string> ids;
            try
            {
                // A service without an ID is known by its name.
                ids = files.Length == 0
                    ? [flagId]
                    : ServiceFile.Read(files).Select(s => s.Definition.ID ?? s.Definition.Name ?? "").Where(i => i.Length > 0).ToList();
            }
            catch (ConfigException ex)
            {
                return context.Fail($"Error: {ex.Message}");
            }

            return await ServiceCalls.EachAsync(api, context, ids, serviceId => serviceId, "deregistering", "Deregistered",
                (client, serviceId, cancellationToken) => client.AgentServiceDeregisterAsync(serviceId, cancellationToken));
        });
        return command;
    }
}
