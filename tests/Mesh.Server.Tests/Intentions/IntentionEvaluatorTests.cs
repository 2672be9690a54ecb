using Mesh.Connect.Intentions;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.Tests.Intentions;

public sealed class IntentionEvaluatorTests
{
    private static Intention L4(string source, string destination, string action) =>
        new() { SourceName = source, DestinationName = destination, Action = action };

    private static Intention L7(string source, string destination, params IntentionPermission[] permissions) =>
        new() { SourceName = source, DestinationName = destination, Permissions = [.. permissions] };

    private static IntentionPermission Permission(string action, IntentionHttpPermission http) => new() { Action = action, HTTP = http };

    [Theory]
    [InlineData("web", "db", 9)]
    [InlineData("*", "db", 8)]
    [InlineData("web", "*", 6)]
    [InlineData("*", "*", 5)]
    public void Precedence_follows_consul(string source, string destination, int expected) =>
        Assert.Equal(expected, L4(source, destination, "allow").Precedence);

    [Fact]
    public void Nothing_matching_falls_to_the_default_policy()
    {
        var decision = IntentionEvaluator.Evaluate([L4("other", "db", "deny")], "web", "db");
        Assert.True(decision.Allowed);
        Assert.Null(decision.Governing);
        Assert.Equal(IntentionEvaluator.DefaultReason, decision.Reason);

        Assert.False(IntentionEvaluator.Evaluate([], "web", "db", defaultAllow: false).Allowed);
    }

    [Fact]
    public void The_most_specific_intention_governs_whatever_the_order()
    {
        Intention[] intentions = [L4("*", "*", "deny"), L4("web", "*", "deny"), L4("*", "db", "deny"), L4("web", "db", "allow")];

        var decision = IntentionEvaluator.Evaluate(intentions.Reverse(), "web", "db");

        Assert.True(decision.Allowed);
        Assert.Equal(9, decision.Governing!.Precedence);
        Assert.Equal("Matched L4 intention: web => db (Precedence: 9, Action: ALLOW)", decision.Reason);
    }

    [Fact]
    public void A_wildcard_source_beats_a_wildcard_destination()
    {
        Intention[] intentions = [L4("web", "*", "allow"), L4("*", "db", "deny")];

        Assert.False(IntentionEvaluator.Evaluate(intentions, "web", "db").Allowed);
        Assert.True(IntentionEvaluator.Evaluate(intentions, "web", "cache").Allowed);
        Assert.False(IntentionEvaluator.Evaluate([L4("*", "*", "deny")], "any", "thing").Allowed);
    }

    [Fact]
    public void Deny_wins_a_tie_at_equal_precedence()
    {
        // Two records for one pair cannot be stored, but the evaluator must still settle such a tie safely.
        Intention[] intentions = [L4("web", "db", "allow"), L4("web", "db", "deny")];

        Assert.False(IntentionEvaluator.Evaluate(intentions, "web", "db").Allowed);
        Assert.False(IntentionEvaluator.Evaluate(intentions.Reverse(), "web", "db").Allowed);
    }

    [Fact]
    public void An_l7_intention_denies_at_l4_and_decides_requests_by_its_first_matching_permission()
    {
        var intention = L7("web", "api",
            Permission("deny", new IntentionHttpPermission { PathPrefix = "/admin" }),
            Permission("allow", new IntentionHttpPermission { PathPrefix = "/", Methods = ["GET"] }));

        var l4 = IntentionEvaluator.Evaluate([intention], "web", "api");
        Assert.False(l4.Allowed);
        Assert.StartsWith("Matched L7 intention: web => api (Precedence: 9, Permissions: 2)", l4.Reason, StringComparison.Ordinal);

        Assert.True(IntentionEvaluator.Evaluate([intention], "web", "api", new HttpRequestInfo("get", "/users")).Allowed);
        Assert.False(IntentionEvaluator.Evaluate([intention], "web", "api", new HttpRequestInfo("GET", "/admin/x")).Allowed);
        // No permission matches a POST: the default policy decides.
        Assert.True(IntentionEvaluator.Evaluate([intention], "web", "api", new HttpRequestInfo("POST", "/users")).Allowed);
        Assert.False(IntentionEvaluator.Evaluate([intention], "web", "api", new HttpRequestInfo("POST", "/users"), defaultAllow: false).Allowed);
    }

    [Fact]
    public void Path_exact_and_regex_match_the_whole_path()
    {
        var intention = L7("web", "api",
            Permission("allow", new IntentionHttpPermission { PathExact = "/health" }),
            Permission("allow", new IntentionHttpPermission { PathRegex = "/v[0-9]+/items" }));

        bool Allowed(string path) => IntentionEvaluator.Evaluate([intention], "web", "api", new HttpRequestInfo("GET", path), defaultAllow: false).Allowed;

        Assert.True(Allowed("/health"));
        Assert.False(Allowed("/health/x"));
        Assert.True(Allowed("/v2/items"));
        Assert.False(Allowed("/v2/items/1"));
    }

    [Fact]
    public void Header_conditions_all_must_hold_and_invert_negates()
    {
        var intention = L7("web", "api", Permission("allow", new IntentionHttpPermission
        {
            Header =
            [
                new IntentionHeaderPermission { Name = "X-Tenant", Prefix = "acme-" },
                new IntentionHeaderPermission { Name = "X-Debug", Present = true, Invert = true },
                new IntentionHeaderPermission { Name = "X-Version", Regex = "v[12]" },
            ],
        }));

        bool Allowed(params (string Name, string Value)[] headers) => IntentionEvaluator.Evaluate([intention], "web", "api",
            new HttpRequestInfo("GET", "/", headers.ToDictionary(h => h.Name, h => h.Value)), defaultAllow: false).Allowed;

        Assert.True(Allowed(("x-tenant", "acme-1"), ("X-Version", "v2")));
        Assert.False(Allowed(("X-Tenant", "other"), ("X-Version", "v2")));
        Assert.False(Allowed(("X-Tenant", "acme-1"), ("X-Version", "v2"), ("X-Debug", "1")));
        Assert.False(Allowed(("X-Tenant", "acme-1"), ("X-Version", "v3")));
        Assert.False(Allowed());
    }

    [Theory]
    [InlineData("", "db", "allow", "SourceName must be set")]
    [InlineData("web*", "db", "allow", "SourceName: wildcard character '*' cannot be used with partial values")]
    [InlineData("web", "d*", "allow", "DestinationName: wildcard character '*' cannot be used with partial values")]
    [InlineData("web", "db", "permit", "Action must be set to 'allow' or 'deny'")]
    [InlineData("web", "db", "", "Action must be set to 'allow' or 'deny'")]
    public void Validation_rejects_bad_names_and_actions(string source, string destination, string action, string error) =>
        Assert.Equal(error, IntentionValidation.Validate(L4(source, destination, action)));

    [Fact]
    public void Validation_checks_permissions()
    {
        string? Error(IntentionPermission permission) => IntentionValidation.Validate(L7("web", "api", permission));

        Assert.Null(Error(Permission("allow", new IntentionHttpPermission { PathPrefix = "/", Methods = ["GET", "POST"] })));
        Assert.Equal("Action must be empty if Permissions are specified",
            IntentionValidation.Validate(L7("web", "api", Permission("allow", new IntentionHttpPermission { PathExact = "/" })) with { Action = "allow" }));
        Assert.Equal("Permissions[0].Action must be set to 'allow' or 'deny'", Error(Permission("", new IntentionHttpPermission { PathExact = "/" })));
        Assert.Equal("Permissions[0].HTTP is required", Error(new IntentionPermission { Action = "allow" }));
        Assert.Equal("Permissions[0].HTTP should not be empty", Error(Permission("allow", new IntentionHttpPermission())));
        Assert.Equal("Permissions[0].HTTP should only contain at most one of PathExact, PathPrefix, or PathRegex",
            Error(Permission("allow", new IntentionHttpPermission { PathExact = "/a", PathPrefix = "/b" })));
        Assert.Equal("Permissions[0].HTTP.PathPrefix doesn't start with '/': \"api\"", Error(Permission("allow", new IntentionHttpPermission { PathPrefix = "api" })));
        Assert.StartsWith("Permissions[0].HTTP.PathRegex is not a valid regular expression", Error(Permission("allow", new IntentionHttpPermission { PathRegex = "(" })), StringComparison.Ordinal);
        Assert.Equal("Permissions[0].HTTP.Methods contains an invalid method \"FETCH\"", Error(Permission("allow", new IntentionHttpPermission { Methods = ["FETCH"] })));
        Assert.Equal("Permissions[0].HTTP.Methods contains \"GET\" more than once", Error(Permission("allow", new IntentionHttpPermission { Methods = ["GET", "GET"] })));
        Assert.Equal("Permissions[0].HTTP.Header[0] missing required Name field",
            Error(Permission("allow", new IntentionHttpPermission { Header = [new IntentionHeaderPermission { Exact = "x" }] })));
        Assert.Equal("Permissions[0].HTTP.Header[0] should only contain one of Present, Exact, Prefix, Suffix, or Regex",
            Error(Permission("allow", new IntentionHttpPermission { Header = [new IntentionHeaderPermission { Name = "a", Exact = "x", Prefix = "y" }] })));
    }
}
