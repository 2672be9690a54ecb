using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Mesh.Server.Gossip;

/// <summary>
/// The envelope around every gossip packet and stream frame. Without a keyring it is a 0 byte and the payload.
/// With one it is <c>1 | nonce(12) | AES-GCM(timestamp(8) | payload) | tag(16)</c>, encrypted with the primary key
/// and opened with any installed key; the kind (packet or stream) is authenticated data so one cannot pass as the
/// other. Replay protection: the sender's wall-clock timestamp must be within <see cref="ReplayWindow"/> of ours and
/// the nonce must not have been seen in that window (see <see cref="ReplayGuard"/>).
/// </summary>
public sealed class GossipCipher
{
    /// <summary>The most bytes the envelope adds to a payload.</summary>
    public const int PacketOverhead = 1 + NonceSize + TimestampSize + TagSize;

    /// <summary>How far a sender's clock may be from ours; also how long nonces are remembered.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(2);

    private const byte Plain = 0;
    private const byte AesGcmV1 = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int TimestampSize = 8;

    private readonly TimeProvider _time;
    private readonly ReplayGuard _replays;

    public GossipCipher(GossipKeyring? keyring, TimeProvider? time = null)
    {
        Keyring = keyring;
        _time = time ?? TimeProvider.System;
        _replays = new ReplayGuard(ReplayWindow);
    }

    public GossipKeyring? Keyring { get; }

    public byte[] Seal(ReadOnlySpan<byte> payload, EnvelopeKind kind)
    {
        if (Keyring is null)
        {
            var plain = new byte[payload.Length + 1];
            payload.CopyTo(plain.AsSpan(1));
            return plain;
        }
        var sealedBytes = new byte[PacketOverhead + payload.Length];
        sealedBytes[0] = AesGcmV1;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var plaintext = new byte[TimestampSize + payload.Length];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, _time.GetUtcNow().ToUnixTimeMilliseconds());
        payload.CopyTo(plaintext.AsSpan(TimestampSize));
        using var aes = new AesGcm(Keyring.Keys[0], TagSize);
        aes.Encrypt(
            nonce,
            plaintext,
            sealedBytes.AsSpan(1 + NonceSize, plaintext.Length),
            sealedBytes.AsSpan(1 + NonceSize + plaintext.Length, TagSize),
            AssociatedData(kind));
        return sealedBytes;
    }

    /// <summary>Opens an envelope; returns why it must be dropped, or null with the payload.</summary>
    public DropReason? TryOpen(ReadOnlySpan<byte> envelope, EnvelopeKind kind, out byte[] payload)
    {
        payload = [];
        if (envelope.IsEmpty)
        {
            return DropReason.Truncated;
        }
        if (Keyring is null)
        {
            if (envelope[0] != Plain)
            {
                return envelope[0] == AesGcmV1 ? DropReason.Unauthenticated : DropReason.UnknownType;
            }
            payload = envelope[1..].ToArray();
            return null;
        }
        if (envelope[0] != AesGcmV1)
        {
            return envelope[0] == Plain ? DropReason.Unauthenticated : DropReason.UnknownType;
        }
        if (envelope.Length < PacketOverhead)
        {
            return DropReason.Truncated;
        }
        var nonce = envelope.Slice(1, NonceSize);
        var ciphertext = envelope[(1 + NonceSize)..^TagSize];
        var tag = envelope[^TagSize..];
        var plaintext = new byte[ciphertext.Length];
        if (!TryDecrypt(nonce, ciphertext, tag, plaintext, kind))
        {
            return DropReason.Unauthenticated;
        }
        var sent = DateTimeOffset.FromUnixTimeMilliseconds(
            Math.Clamp(BinaryPrimitives.ReadInt64BigEndian(plaintext), -62135596800000, 253402300799999));
        if (!_replays.Admit(nonce, sent, _time.GetUtcNow()))
        {
            return DropReason.Replayed;
        }
        payload = plaintext[TimestampSize..];
        return null;
    }

    private bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, EnvelopeKind kind)
    {
        foreach (var key in Keyring!.Keys)
        {
            using var aes = new AesGcm(key, TagSize);
            try
            {
                aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(kind));
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                // Try the next installed key.
            }
        }
        return false;
    }

    private static ReadOnlySpan<byte> AssociatedData(EnvelopeKind kind) =>
        kind == EnvelopeKind.Packet ? "mesh-gossip-packet"u8 : "mesh-gossip-stream"u8;
}

public enum EnvelopeKind
{
    Packet,
    Stream,
}
