using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Watch;

/// <summary>
/// The watch's flags as Consul's watch.Parse takes them: each type consumes the parameters it knows, and any
/// left over is an error ("Invalid parameters: [prefix]").
/// </summary>
internal sealed record WatchParameters(
    string Type,
    string? Key,
    string? Prefix,
    string? Service,
    IReadOnlyList<string> Tags,
    bool? PassingOnly,
    string? State,
    string? Name,
    bool Stale)
{
    /// <summary>The source for these parameters, or Consul's reason they do not make a watch.</summary>
    public (WatchSource? Source, string? Error) Resolve()
    {
        var used = new HashSet<string>(StringComparer.Ordinal) { "stale" };
        WatchSource? source;
        switch (Type)
        {
            case "key":
                used.Add("key");
                if (string.IsNullOrEmpty(Key))
                {
                    return (null, "Must specify a single key to watch");
                }
                source = new(Type, ApiClient.KvPath(Key), StaleQuery, WatchSource.FirstPair);
                break;
            case "keyprefix":
                used.Add("prefix");
                if (string.IsNullOrEmpty(Prefix))
                {
                    return (null, "Must specify a single prefix to watch");
                }
                source = new(Type, ApiClient.KvPath(Prefix), () => StaleQuery().Add("recurse"), WatchSource.Pairs);
                break;
            case "services":
                source = new(Type, "/v1/catalog/services", StaleQuery, WatchSource.AsIs);
                break;
            case "nodes":
                source = new(Type, "/v1/catalog/nodes", StaleQuery, WatchSource.AsIs);
                break;
            case "service":
                used.UnionWith(["service", "tag", "passingonly"]);
                if (string.IsNullOrEmpty(Service))
                {
                    return (null, "Must specify a single service to watch");
                }
                source = new(Type, "/v1/health/service/" + Uri.EscapeDataString(Service), ServiceQuery, WatchSource.AsIs);
                break;
            case "checks":
                used.UnionWith(["service", "state"]);
                if (!string.IsNullOrEmpty(Service) && !string.IsNullOrEmpty(State))
                {
                    return (null, "Cannot specify service and state");
                }
                // Neither given: every check, in any state.
                var path = !string.IsNullOrEmpty(Service)
                    ? "/v1/health/checks/" + Uri.EscapeDataString(Service)
                    : "/v1/health/state/" + Uri.EscapeDataString(string.IsNullOrEmpty(State) ? "any" : State);
                source = new(Type, path, StaleQuery, WatchSource.AsIs);
                break;
            case "event":
                // Consul's event watch ignores -stale: the list is the local agent's own.
                used.Add("name");
                source = new(Type, "/v1/event/list", () => new ApiQuery().AddIf(!string.IsNullOrEmpty(Name), "name", Name ?? ""), WatchSource.NewEvents, HashedIndex: true);
                break;
            default:
                return (null, $"Unsupported watch type: {Type}");
        }

        var unused = Given().Where(name => !used.Contains(name)).ToList();
        return unused.Count > 0 ? (null, $"Invalid parameters: [{string.Join(' ', unused)}]") : (source, null);
    }

    private ApiQuery StaleQuery() => new ApiQuery().AddIf(Stale, "stale");

    private ApiQuery ServiceQuery()
    {
        var query = StaleQuery();
        foreach (var tag in Tags)
        {
            query.Add("tag", tag);
        }
        return query.AddIf(PassingOnly == true, "passing", "1");
    }

    private IEnumerable<string> Given()
    {
        if (!string.IsNullOrEmpty(Key))
        {
            yield return "key";
        }
        if (!string.IsNullOrEmpty(Prefix))
        {
            yield return "prefix";
        }
        if (!string.IsNullOrEmpty(Service))
        {
            yield return "service";
        }
        if (Tags.Count > 0)
        {
            yield return "tag";
        }
        if (PassingOnly is not null)
        {
            yield return "passingonly";
        }
        if (!string.IsNullOrEmpty(State))
        {
            yield return "state";
        }
        if (!string.IsNullOrEmpty(Name))
        {
            yield return "name";
        }
    }
}
