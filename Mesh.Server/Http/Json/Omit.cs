namespace Mesh.Server.Http.Json;

/// <summary>Go's <c>omitempty</c>: the DTOs skip null members, so an empty value is mapped to null.</summary>
internal static class Omit
{
    public static string? IfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
