using static Aspire.Hosting.Mesh.MeshAgentArgs;

namespace Aspire.Hosting.Mesh;

/// <summary>The service definition (HCL, as the seed's) that a service's client agent loads from its config directory.</summary>
internal static class MeshServiceDefinition
{
    public static string Hcl(string name, MeshServiceAnnotation service)
    {
        var upstreams = string.Join(",\n", service.Upstreams.Select(u =>
            $"{{ destination_name = \"{u.DestinationName}\"\n local_bind_port = {Text(u.LocalBindPort)} }}"));
        return $$"""
            service {
              name = "{{name}}"
              id = "{{service.ServiceId}}"
              port = {{Text(service.AppPort)}}
              check {
                id = "{{service.ServiceId}}-health"
                http = "http://127.0.0.1:{{Text(service.AppPort)}}{{service.CheckPath}}"
                interval = "1s"
                timeout = "1s"
              }
              connect {
                sidecar_service {
                  port = {{Text(service.SidecarPort)}}
                  check {
                    tcp = "127.0.0.1:{{Text(service.SidecarPort)}}"
                    interval = "1s"
                  }
                  proxy {
                    # HTTP, not Consul's default tcp: the demo wants L7 intentions and a span per request.
                    config = { protocol = "http" }
                    upstreams = [
            {{upstreams}}
                    ]
                  }
                }
              }
            }
            """;
    }
}
