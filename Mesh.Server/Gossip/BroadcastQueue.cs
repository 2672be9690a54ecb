namespace Mesh.Server.Gossip;

/// <summary>
/// memberlist's transmit-limited queue: one pending broadcast per member name (a newer one replaces the older),
/// least-transmitted first, then larger, then newer; each is sent until it reaches the retransmit limit.
/// Broadcasts without a name (queries) are never replaced.
/// </summary>
internal sealed class BroadcastQueue
{
    private readonly SortedSet<Item> _items = new(ItemOrder.Instance);
    private readonly Dictionary<string, Item> _byName = new(StringComparer.Ordinal);
    private long _ids;

    public int Count => _items.Count;

    /// <summary>Queues <paramref name="message"/> about <paramref name="name"/>; <paramref name="finished"/> runs once it is done or replaced.</summary>
    public void Enqueue(string? name, byte[] message, Action? finished = null)
    {
        if (name is not null && _byName.Remove(name, out var old))
        {
            _items.Remove(old);
            old.Finished?.Invoke();
        }
        var item = new Item(name, message, ++_ids, finished);
        _items.Add(item);
        if (name is not null)
        {
            _byName[name] = item;
        }
    }

    /// <summary>Takes the broadcasts that fit in <paramref name="limit"/> bytes, each costing <paramref name="overhead"/> more.</summary>
    public List<byte[]> Take(int overhead, int limit, int transmitLimit, int maxCount)
    {
        var taken = new List<byte[]>();
        if (_items.Count == 0)
        {
            return taken;
        }
        var used = 0;
        var sent = new List<Item>();
        foreach (var item in _items)
        {
            if (taken.Count == maxCount || limit - used - overhead <= 0)
            {
                break;
            }
            if (item.Message.Length + overhead > limit - used)
            {
                continue;
            }
            used += item.Message.Length + overhead;
            taken.Add(item.Message);
            sent.Add(item);
        }
        foreach (var item in sent)
        {
            _items.Remove(item);
            if (item.Transmits + 1 >= transmitLimit)
            {
                if (item.Name is not null)
                {
                    _byName.Remove(item.Name);
                }
                item.Finished?.Invoke();
            }
            else
            {
                item.Transmits++;
                _items.Add(item);
            }
        }
        return taken;
    }

    // Transmits is part of the sort key: change it only while the item is out of the set.
    private sealed class Item(string? name, byte[] message, long id, Action? finished)
    {
        public string? Name { get; } = name;

        public byte[] Message { get; } = message;

        public long Id { get; } = id;

        public Action? Finished { get; } = finished;

        public int Transmits { get; set; }
    }

    private sealed class ItemOrder : IComparer<Item>
    {
        public static readonly ItemOrder Instance = new();

        public int Compare(Item? x, Item? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }
            var byTransmits = x!.Transmits.CompareTo(y!.Transmits);
            if (byTransmits != 0)
            {
                return byTransmits;
            }
            var byLength = y.Message.Length.CompareTo(x.Message.Length);
            return byLength != 0 ? byLength : y.Id.CompareTo(x.Id);
        }
    }
}
