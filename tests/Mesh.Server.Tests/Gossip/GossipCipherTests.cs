using Mesh.Gossip.Simulation;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

public sealed class GossipCipherTests
{
    private static readonly string Key1 = GossipKeyring.GenerateKey();
    private static readonly string Key2 = GossipKeyring.GenerateKey();

    [Fact]
    public void A_sealed_packet_opens_with_the_same_key_and_hides_the_payload()
    {
        var clock = new SimClock();
        var sender = new GossipCipher(new GossipKeyring(Key1), clock);
        var receiver = new GossipCipher(new GossipKeyring(Key1), clock);
        var payload = "hello gossip"u8.ToArray();

        var envelope = sender.Seal(payload, EnvelopeKind.Packet);

        Assert.Equal(payload.Length + GossipCipher.PacketOverhead, envelope.Length);
        Assert.False(envelope.AsSpan().IndexOf(payload) >= 0);
        Assert.Null(receiver.TryOpen(envelope, EnvelopeKind.Packet, out var opened));
        Assert.Equal(payload, opened);
    }

    [Fact]
    public void Wrong_keys_tampering_and_the_wrong_kind_fail_authentication()
    {
        var clock = new SimClock();
        var sender = new GossipCipher(new GossipKeyring(Key1), clock);
        var stranger = new GossipCipher(new GossipKeyring(Key2), clock);
        var envelope = sender.Seal([1, 2, 3], EnvelopeKind.Packet);

        Assert.Equal(DropReason.Unauthenticated, stranger.TryOpen(envelope, EnvelopeKind.Packet, out _));

        var tampered = envelope.ToArray();
        tampered[^1] ^= 1;
        Assert.Equal(DropReason.Unauthenticated, new GossipCipher(new GossipKeyring(Key1), clock).TryOpen(tampered, EnvelopeKind.Packet, out _));
        Assert.Equal(DropReason.Unauthenticated, new GossipCipher(new GossipKeyring(Key1), clock).TryOpen(envelope, EnvelopeKind.Stream, out _));
        Assert.Equal(DropReason.Truncated, new GossipCipher(new GossipKeyring(Key1), clock).TryOpen(envelope.AsSpan(0, 20), EnvelopeKind.Packet, out _));
    }

    [Fact]
    public void Plaintext_is_refused_when_a_keyring_is_set_and_ciphertext_when_none_is()
    {
        var plain = new GossipCipher(null);
        var encrypted = new GossipCipher(new GossipKeyring(Key1));

        Assert.Equal(DropReason.Unauthenticated, encrypted.TryOpen(plain.Seal([1, 2], EnvelopeKind.Packet), EnvelopeKind.Packet, out _));
        Assert.Equal(DropReason.Unauthenticated, plain.TryOpen(encrypted.Seal([1, 2], EnvelopeKind.Packet), EnvelopeKind.Packet, out _));
        Assert.Null(plain.TryOpen(plain.Seal([1, 2], EnvelopeKind.Packet), EnvelopeKind.Packet, out var payload));
        Assert.Equal([1, 2], payload);
    }

    [Fact]
    public void A_replayed_or_stale_packet_is_dropped_as_replayed()
    {
        var senderClock = new SimClock();
        var receiverClock = new SimClock();
        var sender = new GossipCipher(new GossipKeyring(Key1), senderClock);
        var receiver = new GossipCipher(new GossipKeyring(Key1), receiverClock);
        var envelope = sender.Seal([7], EnvelopeKind.Packet);

        Assert.Null(receiver.TryOpen(envelope, EnvelopeKind.Packet, out _));
        Assert.Equal(DropReason.Replayed, receiver.TryOpen(envelope, EnvelopeKind.Packet, out _));

        receiverClock.Now = GossipCipher.ReplayWindow + TimeSpan.FromSeconds(1);
        Assert.Equal(DropReason.Replayed, receiver.TryOpen(sender.Seal([8], EnvelopeKind.Packet), EnvelopeKind.Packet, out _));
        senderClock.Now = receiverClock.Now;
        Assert.Null(receiver.TryOpen(sender.Seal([9], EnvelopeKind.Packet), EnvelopeKind.Packet, out _));
    }

    [Fact]
    public void Keys_rotate_without_downtime()
    {
        var clock = new SimClock();
        var oldNode = new GossipKeyring(Key1);
        var newNode = new GossipKeyring(Key1);
        newNode.Install(Key2);
        newNode.Use(Key2);

        Assert.Equal([Key2, Key1], newNode.List());
        Assert.Equal(Key2, newNode.PrimaryKey);
        // The rotated member encrypts with the new key; members that have not rotated yet still read the old one.
        Assert.Null(new GossipCipher(newNode, clock).TryOpen(new GossipCipher(oldNode, clock).Seal([1], EnvelopeKind.Packet), EnvelopeKind.Packet, out _));
        Assert.Equal(DropReason.Unauthenticated, new GossipCipher(oldNode, clock).TryOpen(new GossipCipher(newNode, clock).Seal([1], EnvelopeKind.Packet), EnvelopeKind.Packet, out _));

        oldNode.Install(Key2);
        Assert.Null(new GossipCipher(oldNode, clock).TryOpen(new GossipCipher(newNode, clock).Seal([1], EnvelopeKind.Packet), EnvelopeKind.Packet, out _));

        newNode.Remove(Key1);
        Assert.Equal([Key2], newNode.List());
        Assert.Equal(DropReason.Unauthenticated, new GossipCipher(newNode, clock).TryOpen(new GossipCipher(new GossipKeyring(Key1), clock).Seal([1], EnvelopeKind.Packet), EnvelopeKind.Packet, out _));
    }

    [Fact]
    public void Keyring_misuse_gives_clear_errors()
    {
        var keyring = new GossipKeyring(Key1);

        Assert.Equal("Removing the primary key is not allowed", Assert.Throws<InvalidOperationException>(() => keyring.Remove(Key1)).Message);
        Assert.Equal("Requested key is not in the keyring", Assert.Throws<InvalidOperationException>(() => keyring.Use(Key2)).Message);
        Assert.Contains("not valid base64", Assert.Throws<ArgumentException>(() => keyring.Install("not a key!")).Message);
        Assert.Contains("16, 24 or 32 bytes, not 5", Assert.Throws<ArgumentException>(() => keyring.Install(Convert.ToBase64String(new byte[5]))).Message);
        Assert.Equal(32, Convert.FromBase64String(GossipKeyring.GenerateKey()).Length);
    }
}
