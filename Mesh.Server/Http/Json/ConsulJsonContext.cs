using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Server.Agent;

namespace Mesh.Server.Http.Json;

/// <summary>Source-generated metadata for the API's answers and request bodies (reflection covers the rest).</summary>
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, IReadOnlyList<string>>))]
[JsonSerializable(typeof(List<NodeJson>))]
[JsonSerializable(typeof(List<ServiceNodeJson>))]
[JsonSerializable(typeof(NodeServicesJson))]
[JsonSerializable(typeof(List<HealthCheckJson>))]
[JsonSerializable(typeof(List<CheckServiceNodeJson>))]
[JsonSerializable(typeof(SortedDictionary<string, AgentServiceJson>))]
[JsonSerializable(typeof(AgentServiceJson))]
[JsonSerializable(typeof(SortedDictionary<string, HealthCheckJson>))]
[JsonSerializable(typeof(List<GossipMember>))]
[JsonSerializable(typeof(AgentSelfJson))]
[JsonSerializable(typeof(RegisterRequestBody))]
[JsonSerializable(typeof(DeregisterRequestBody))]
[JsonSerializable(typeof(CheckUpdateBody))]
// Values of untyped maps (agent config, proxy config).
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(List<object?>))]
internal sealed partial class ConsulJsonContext : JsonSerializerContext;
