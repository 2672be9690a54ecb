using Mesh.Server.Checks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Server.Tests.Checks;

internal static class CheckRunnerFactory
{
    public static CheckRunner Create(
        ICheckNotifier notifier, TimeProvider? timeProvider = null, CheckRunnerOptions? options = null, Action<string>? deregisterService = null) =>
        new(timeProvider ?? TimeProvider.System, NullLoggerFactory.Instance, notifier, options, deregisterService);
}
