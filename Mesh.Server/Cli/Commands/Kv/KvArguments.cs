using System.CommandLine;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Kv;

/// <summary>What the kv subcommands take alike: the key argument and the check-and-set flags.</summary>
internal static class KvArguments
{
    public const string MissingKey = "Error! Missing KEY argument";

    /// <summary>
    /// The optional KEY_OR_PREFIX, "" when omitted. Keys never start with "/", but users type "/foo";
    /// Consul strips one for them.
    /// </summary>
    public static string KeyOrPrefix(string[] args) => args switch
    {
        [['/', ..] key] => key[1..],
        [var key] => key,
        _ => "",
    };

    public static Option<bool> Cas() => GoFlag.Bool("cas",
        "Perform a Check-And-Set operation. Specifying this value also requires the -modify-index flag to be set. " +
        "The default value is false.");

    public static Option<ulong?> ModifyIndex() => GoFlag.UInt64("modify-index",
        "Unsigned integer representing the ModifyIndex of the key. This is used in combination with the -cas flag.");
}
