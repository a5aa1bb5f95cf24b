using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>A NULL-terminated <c>char**</c> of UTF-8 strings, for GDAL options and argv lists.</summary>
internal sealed class CStringList : IDisposable
{
    private readonly IntPtr[] items;
    private GCHandle pin;

    public CStringList(IEnumerable<string> strings)
    {
        var list = strings.ToList();
        items = new IntPtr[list.Count + 1];
        for (int i = 0; i < list.Count; i++)
        {
            items[i] = Marshal.StringToCoTaskMemUTF8(list[i]);
        }

        pin = GCHandle.Alloc(items, GCHandleType.Pinned);
    }

    /// <summary>The <c>char**</c> (valid until disposed).</summary>
    public IntPtr Pointer => pin.AddrOfPinnedObject();

    public void Dispose()
    {
        if (!pin.IsAllocated)
        {
            return;
        }

        pin.Free();
        foreach (IntPtr item in items)
        {
            if (item != IntPtr.Zero)
            {
                Marshal.FreeCoTaskMem(item);
            }
        }
    }
}
