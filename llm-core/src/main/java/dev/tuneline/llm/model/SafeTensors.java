package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming reader/writer of the safetensors format (8-byte little-endian header length, JSON
 * header, raw little-endian tensor data). Offsets are 64-bit and tensors are read and written in
 * chunks along their first axis, so files (and single tensors) over 2 GiB work.
 *
 * <p>Reading converts F32, F16, BF16 and F64 to float32 arrays.
 */
public final class SafeTensors {

    /** Largest chunk moved through one Java buffer (tests lower it to exercise chunking). */
    static long chunkBytes = 256L << 20;
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** One tensor entry of a file: name, dtype, shape and absolute byte range. */
    public static final class Entry {
        private final Path file;
        private final String name;
        private final String dtype;
        private final long[] shape;
        private final long start;
        private final long end;

        Entry(Path file, String name, String dtype, long[] shape, long start, long end) {
            this.file = file;
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.start = start;
            this.end = end;
        }

        /** File holding the tensor. */
        public Path file() { return file; }
        /** Tensor name. */
        public String name() { return name; }
        /** safetensors dtype code (F32, F16, BF16, F64, ...). */
        public String dtype() { return dtype; }
        /** Shape. */
        public Shape shape() { return new Shape(shape); }
        /** Absolute offset of the first byte in the file. */
        public long start() { return start; }
        /** Absolute offset after the last byte. */
        public long end() { return end; }
    }

    /** Reads the header of {@code file}: tensor name -> entry, in file order. */
    public static LinkedHashMap<String, Entry> readHeader(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new IllegalArgumentException(
                        file + " is not a safetensors file (header length " + headerLen + ", file size " + size + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode root = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLen;
            LinkedHashMap<String, Entry> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode t = e.getValue();
                String dtype = t.path("dtype").asText();
                JsonNode shapeNode = t.path("shape");
                long[] shape = new long[shapeNode.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                }
                long begin = dataStart + t.path("data_offsets").get(0).asLong();
                long end = dataStart + t.path("data_offsets").get(1).asLong();
                long expected = elementCount(shape) * bytesPerElement(dtype, e.getKey(), file);
                if (end - begin != expected || end > size) {
                    throw new IllegalArgumentException(file + ": tensor '" + e.getKey() + "' " + dtype
                            + Arrays.toString(shape) + " has byte range [" + begin + ", " + end
                            + ") but needs " + expected + " bytes within a file of " + size);
                }
                out.put(e.getKey(), new Entry(file, e.getKey(), dtype, shape, begin, end));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read safetensors header of " + file, e);
        }
    }

    /** Reads a tensor as a float32 array in {@code manager}. */
    public static NDArray read(Entry e, NDManager manager) {
        long n = elementCount(e.shape);
        int elemBytes = bytesPerElement(e.dtype, e.name, e.file);
        long rows = e.shape.length == 0 ? 1 : e.shape[0];
        long rowElems = rows == 0 ? 0 : n / rows;
        long rowBytes = Math.max(1, rowElems * elemBytes);
        long rowsPerChunk = Math.max(1, chunkBytes / rowBytes);
        if (rowElems * 4L > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("tensor '" + e.name + "' in " + e.file
                    + " has rows of " + rowElems + " elements, over the 2 GiB chunk limit");
        }
        try (FileChannel ch = FileChannel.open(e.file, StandardOpenOption.READ)) {
            if (rows <= rowsPerChunk) {
                return readRows(ch, e, manager, 0, rows, rowElems, elemBytes).reshape(e.shape());
            }
            NDList parts = new NDList();
            try (NDManager tmp = manager.newSubManager()) {
                for (long r = 0; r < rows; r += rowsPerChunk) {
                    long count = Math.min(rowsPerChunk, rows - r);
                    parts.add(readRows(ch, e, tmp, r, count, rowElems, elemBytes));
                }
                NDArray all = NDArrays.concat(parts, 0).reshape(e.shape());
                all.attach(manager);
                return all;
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot read tensor '" + e.name + "' from " + e.file, ex);
        }
    }

    private static NDArray readRows(FileChannel ch, Entry e, NDManager m, long firstRow, long count,
            long rowElems, int elemBytes) throws IOException {
        long elems = count * rowElems;
        ByteBuffer raw = ByteBuffer.allocateDirect((int) (elems * elemBytes)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, raw, e.start + firstRow * rowElems * elemBytes);
        raw.flip();
        ByteBuffer f32 = toFloat32(raw, e.dtype, (int) elems);
        long[] chunkShape = e.shape.length == 0 ? new long[] {1} : e.shape.clone();
        chunkShape[0] = count;
        return m.create(f32, new Shape(chunkShape), DataType.FLOAT32);
    }

    private static ByteBuffer toFloat32(ByteBuffer raw, String dtype, int elems) {
        if (dtype.equals("F32")) {
            return raw;
        }
        ByteBuffer out = ByteBuffer.allocateDirect(elems * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elems; i++) {
            float v;
            switch (dtype) {
                case "F16":
                    v = halfToFloat(raw.getShort(i * 2));
                    break;
                case "BF16":
                    v = Float.intBitsToFloat((raw.getShort(i * 2) & 0xffff) << 16);
                    break;
                case "F64":
                    v = (float) raw.getDouble(i * 8);
                    break;
                default:
                    throw new IllegalStateException(dtype);
            }
            out.putFloat(i * 4, v);
        }
        return out;
    }

    /** IEEE 754 binary16 to float. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal or zero
            return sign == 0 ? v : -v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /**
     * Writes {@code tensors} (float32) to {@code file} with the given metadata (e.g. {@code format=pt}),
     * streaming each tensor in chunks; the file is replaced atomically.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            if (a.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is " + a.getDataType()
                        + "; only float32 is written");
            }
            long bytes = a.getShape().size() * 4L;
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            var offs = t.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        int padded = (json.length + 7) / 8 * 8; // align the data section to 8 bytes, as safetensors does
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(headerBytes));
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                writeTensor(ch, e.getValue());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot write " + file, ex);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot move " + tmp + " to " + file, ex);
        }
    }

    private static void writeTensor(FileChannel ch, NDArray a) throws IOException {
        Shape s = a.getShape();
        long total = s.size();
        if (total == 0) {
            return;
        }
        long rows = s.dimension() == 0 ? 1 : s.get(0);
        long rowBytes = total / rows * 4L;
        long rowsPerChunk = Math.max(1, chunkBytes / rowBytes);
        if (rows <= rowsPerChunk || s.dimension() == 0) {
            writeFully(ch, littleEndian(a.toByteBuffer()));
            return;
        }
        for (long r = 0; r < rows; r += rowsPerChunk) {
            try (NDArray part = a.get(new NDIndex().addSliceDim(r, Math.min(rows, r + rowsPerChunk)))) {
                writeFully(ch, littleEndian(part.toByteBuffer()));
            }
        }
    }

    private static ByteBuffer littleEndian(ByteBuffer native_) {
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            return native_;
        }
        throw new UnsupportedOperationException("big-endian hosts are not supported");
    }

    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static int bytesPerElement(String dtype, String name, Path file) {
        switch (dtype) {
            case "F32":
                return 4;
            case "F16":
            case "BF16":
                return 2;
            case "F64":
                return 8;
            default:
                throw new IllegalArgumentException("tensor '" + name + "' in " + file
                        + " has dtype " + dtype + "; supported: F32, F16, BF16, F64");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
