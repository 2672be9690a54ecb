namespace Mesh.Server.Config;

internal enum HclTokenKind
{
    Ident,
    String,
    Number,
    Bool,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Assign,
    Comma,
    End,
}

internal readonly record struct HclToken(HclTokenKind Kind, string Text, SourcePosition Position)
{
    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        HclTokenKind.Ident => $"\"{Text}\"",
        HclTokenKind.String => $"string \"{Text}\"",
        HclTokenKind.Number => $"number {Text}",
        HclTokenKind.Bool => Text,
        HclTokenKind.End => "end of file",
        _ => $"\"{Text}\"",
    };
}
