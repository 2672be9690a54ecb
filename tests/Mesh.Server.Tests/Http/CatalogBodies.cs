namespace Mesh.Server.Tests.Http;

/// <summary>PUT /v1/catalog/register bodies in Consul's own JSON.</summary>
internal static class CatalogBodies
{
    /// <summary>A node with one service instance and one service check in <paramref name="status"/>.</summary>
    public static string Instance(string node, string service, string id, string status, string tags = "[]") => $$"""
        {
          "Node": "{{node}}",
          "Address": "10.0.0.{{node.Length}}",
          "Service": { "ID": "{{id}}", "Service": "{{service}}", "Tags": {{tags}}, "Port": 8080 },
          "Check": { "CheckID": "{{id}}-check", "Name": "{{id}} check", "ServiceID": "{{id}}", "Status": "{{status}}" }
        }
        """;
}
