using Mesh.Server.Config;
using static Mesh.Server.Tests.Config.ParsingAssert;

namespace Mesh.Server.Tests.Config;

public sealed class HclParserTests
{
    [Fact]
    public void Seed_counting_file_parses_into_a_positioned_tree()
    {
        var root = HclParser.Parse(SeedFiles.CountingHcl, "counting.hcl");

        var service = Assert.Single(root.Entries);
        Assert.Equal(("service", new SourcePosition("counting.hcl", 1, 1)), (service.Key, service.KeyPosition));
        var body = Assert.IsType<ConfigObject>(service.Value);
        Assert.Equal(new SourcePosition("counting.hcl", 1, 9), body.Position);
        Assert.Equal(["name", "id", "port", "connect", "check"], body.Entries.Select(e => e.Key));
        var port = Assert.IsType<ConfigScalar>(Value(body, "port"));
        Assert.Equal((ScalarKind.Number, "9003", 4, 16), (port.Kind, port.Text, port.Position.Line, port.Position.Column));
        var sidecar = Assert.IsType<ConfigObject>(Value(Assert.IsType<ConfigObject>(Value(body, "connect")), "sidecar_service"));
        Assert.Empty(sidecar.Entries);
        Assert.Equal("GET", Text(Value(Assert.IsType<ConfigObject>(Value(body, "check")), "method")));
    }

    [Fact]
    public void Comments_numbers_bools_and_lists_with_trailing_commas()
    {
        const string text = """
            # hash comment
            // slash comment
            /* block
               comment */ a = "x" // trailing
            b = -5
            c = 1.5e3
            d = true
            e = [1, 2, 3,]
            f = []
            """;
        var root = HclParser.Parse(text, "t.hcl");

        Assert.Equal(new SourcePosition("t.hcl", 4, 15), root.Entries[0].KeyPosition);
        Assert.Equal("x", Text(Value(root, "a")));
        Assert.Equal("-5", Text(Value(root, "b")));
        Assert.Equal("1.5e3", Text(Value(root, "c")));
        Assert.Equal(ScalarKind.Bool, Assert.IsType<ConfigScalar>(Value(root, "d")).Kind);
        Assert.Equal(["1", "2", "3"], Assert.IsType<ConfigList>(Value(root, "e")).Items.Select(Text));
        Assert.Empty(Assert.IsType<ConfigList>(Value(root, "f")).Items);
    }

    [Fact]
    public void Objects_in_lists_separate_fields_by_newlines_or_commas()
    {
        const string text = """
            upstreams = [
              { destination_name = "counting", local_bind_port = 5000 },
              { destination_name = "a" local_bind_port = 1 },
              {
                destination_name = "x"
                local_bind_port = 5001
              },
            ]
            """;
        var items = Assert.IsType<ConfigList>(Value(HclParser.Parse(text, "t.hcl"), "upstreams")).Items;

        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal(["destination_name", "local_bind_port"], Assert.IsType<ConfigObject>(i).Entries.Select(e => e.Key)));
        Assert.Equal("5001", Text(Value((ConfigObject)items[2], "local_bind_port")));
    }

    [Fact]
    public void Repeated_blocks_stay_separate_entries_and_labels_nest()
    {
        const string text = """
            service { name = "a" }
            service { name = "b" }
            watch "key" "x" { type = "key" }
            """;
        var root = HclParser.Parse(text, "t.hcl");

        Assert.Equal(["a", "b"], root.Entries.Where(e => e.Key == "service").Select(e => Text(Value((ConfigObject)e.Value, "name"))));
        var key = Assert.IsType<ConfigObject>(Value(Assert.IsType<ConfigObject>(Value(root, "watch")), "key"));
        Assert.Equal("key", Text(Value(Assert.IsType<ConfigObject>(Value(key, "x")), "type")));
    }

    [Fact]
    public void Strings_decode_escapes_and_keys_may_be_quoted_or_contain_dashes()
    {
        const string text = """
            s = "tab\there \"q\" \\ \u00e9 \U0001F600 ${not_interpolated}"
            header = { "X-A" = ["b"], X-B.c = ["c"] }
            """;
        var root = HclParser.Parse(text, "t.hcl");

        Assert.Equal("tab\there \"q\" \\ é 😀 ${not_interpolated}", Text(Value(root, "s")));
        Assert.Equal(["X-A", "X-B.c"], Assert.IsType<ConfigObject>(Value(root, "header")).Entries.Select(e => e.Key));
    }

    [Fact]
    public void Heredocs_keep_lines_and_the_indented_form_strips_common_indentation()
    {
        const string text = "script = <<EOF\nline one\n  line two\nEOF\nindented = <<-EOT\n    alpha\n      beta\n    EOT\nafter = 1\n";
        var root = HclParser.Parse(text, "t.hcl");

        Assert.Equal("line one\n  line two\n", Text(Value(root, "script")));
        Assert.Equal("alpha\n  beta\n", Text(Value(root, "indented")));
        Assert.Equal(new SourcePosition("t.hcl", 9, 1), root.Entries[2].KeyPosition);
    }

    [Fact]
    public void Text_starting_with_a_brace_is_json()
    {
        var root = HclParser.Parse(SeedFiles.ConfHcl, "conf.hcl");

        var datacenter = Assert.IsType<ConfigScalar>(Value(root, "datacenter"));
        Assert.Equal(("Consul-SG", new SourcePosition("conf.hcl", 2, 22)), (datacenter.Text, datacenter.Position));
        Assert.Equal("0.0.0.0", Text(Value(Assert.IsType<ConfigObject>(Value(root, "addresses")), "http")));
    }

    [Fact]
    public void Empty_text_and_comment_only_text_are_empty_objects()
    {
        Assert.Empty(HclParser.Parse("", "t.hcl").Entries);
        Assert.Empty(HclParser.Parse("# nothing\n\n", "t.hcl").Entries);
    }

    [Theory]
    [InlineData("a = @", "t.hcl:1:5: unexpected '@'")]
    [InlineData("port 9003\n", "t.hcl:1:6: expected \"=\" or \"{\" after \"port\", found number 9003")]
    [InlineData("service \"web\" = {}", "t.hcl:1:15: expected \"{\" after the labels of block \"service\", found \"=\"")]
    [InlineData("a = \"abc\nb = 1", "t.hcl:1:5: string is not closed with '\"' on the same line (use \\n or a heredoc for multiple lines)")]
    [InlineData("service {\n  name = \"a\"\n", "t.hcl:3:1: expected \"}\" to close the object opened at 1:9, found end of file")]
    [InlineData("a = [1 2]", "t.hcl:1:8: expected \",\" or \"]\" after a list item, found number 2")]
    [InlineData("a = [1,\n", "t.hcl:2:1: expected \"]\" to close the list opened at 1:5, found end of file")]
    [InlineData("a = 1\n/* abc", "t.hcl:2:1: comment is not closed with \"*/\"")]
    [InlineData("a = \"x\\q\"", "t.hcl:1:7: unknown escape sequence \"\\q\" in string")]
    [InlineData("a = \"\\u12\"", "t.hcl:1:6: escape \"\\u\" needs 4 hex digits of a valid code point")]
    [InlineData("a = null", "t.hcl:1:5: unexpected \"null\": a value is a quoted string, number, true, false, list or object")]
    [InlineData("}", "t.hcl:1:1: expected a key, found \"}\"")]
    [InlineData("a = 1,, b = 2", "t.hcl:1:7: expected a key, found \",\"")]
    [InlineData("a =", "t.hcl:1:4: expected a value, found end of file")]
    [InlineData("port = 90x3", "t.hcl:1:8: invalid number \"90x3\"")]
    [InlineData("interval = 10s", "t.hcl:1:12: invalid number \"10s\"")]
    [InlineData("a = <<EOF\nabc\n", "t.hcl:1:5: heredoc is not closed by a line \"EOF\"")]
    [InlineData("a = <<EOF x\nEOF\n", "t.hcl:1:5: a heredoc starts with <<NAME (or <<-NAME) alone at the end of its line")]
    public void Errors_name_file_line_and_column(string text, string message) =>
        Fails(message, () => HclParser.Parse(text, "t.hcl"));

    [Fact]
    public void Columns_count_characters_so_tabs_and_unicode_are_one_column()
    {
        Fails("t.hcl:2:9: unexpected '@'", () => HclParser.Parse("é = \"ü\"\n\tport = @", "t.hcl"));
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        var deep = "a = " + new string('[', 65) + new string(']', 65);
        Fails("t.hcl:1:69: values are nested more than 64 deep", () => HclParser.Parse(deep, "t.hcl"));
        Assert.Single(HclParser.Parse("a = " + new string('[', 64) + new string(']', 64), "t.hcl").Entries);
    }
}
