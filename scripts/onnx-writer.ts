/**
 * Just enough of ONNX's protobuf format to write a model: a graph of nodes, its
 * weights (initializers), its inputs and outputs, and the metadata the engine reads.
 * Our own few dozen lines rather than a dependency: the only npm packages that write
 * ONNX carry a whole protobuf runtime and generated code for every message of the
 * format (onnx-proto, protobufjs) for the six messages a model of random weights needs,
 * and the format is fixed (onnx/onnx.proto3, field numbers below).
 *
 * Large weights are never copied into one buffer: a message is a list of chunks whose
 * length is known, written out with one writev per chunk list.
 */
import * as fs from 'node:fs';

/** A protobuf message under construction: its encoded chunks and their total length. */
export class Pb {
  readonly chunks: Uint8Array[] = [];
  length = 0;

  private push(b: Uint8Array): this {
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.push(varint(field * 8 + wire));
  }

  int(field: number, v: number | bigint): this {
    return this.tag(field, 0).push(varint(v));
  }

  float(field: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    return this.tag(field, 5).push(b);
  }

  bytes(field: number, b: Uint8Array): this {
    return this.tag(field, 2).push(varint(b.length)).push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  message(field: number, m: Pb): this {
    this.tag(field, 2).push(varint(m.length));
    for (const c of m.chunks) this.chunks.push(c);
    this.length += m.length;
    return this;
  }

  /** Repeated int64 (packed). */
  ints(field: number, vs: readonly number[]): this {
    const inner = Buffer.concat(vs.map((v) => varint(v)));
    return this.bytes(field, inner);
  }
}

/** Base-128 varint; negative numbers as 64-bit two's complement (10 bytes), as protobuf does. */
function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/** TensorProto.DataType. */
export const DT = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;
export type DataType = (typeof DT)[keyof typeof DT];

export interface Tensor {
  name: string;
  type: DataType;
  dims: number[];
  data: Uint8Array;
}

export interface ValueInfo {
  name: string;
  type: DataType;
  /** A number, or a symbolic name for a dimension that varies. */
  shape: (number | string)[];
}

export type Attr = number | number[] | string | { floats: number[] } | { float: number };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
}

function tensorProto(t: Tensor): Pb {
  const m = new Pb();
  for (const d of t.dims) m.int(1, d);
  m.int(2, t.type).string(8, t.name).bytes(9, t.data);
  return m;
}

function valueInfo(v: ValueInfo): Pb {
  const shape = new Pb();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new Pb().int(1, d) : new Pb().string(2, d));
  const tensorType = new Pb().int(1, v.type).message(2, shape);
  return new Pb().string(1, v.name).message(2, new Pb().message(1, tensorType));
}

/** AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7. */
function attribute(name: string, a: Attr): Pb {
  const m = new Pb().string(1, name);
  if (typeof a === 'number') return m.int(3, a).int(20, 2);
  if (typeof a === 'string') return m.string(4, a).int(20, 3);
  if (Array.isArray(a)) {
    for (const v of a) m.int(8, v);
    return m.int(20, 7);
  }
  if ('float' in a) return m.float(2, a.float).int(20, 1);
  for (const v of a.floats) m.float(7, v);
  return m.int(20, 6);
}

function nodeProto(n: Node, index: number): Pb {
  const m = new Pb();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, `${n.op}_${index}`).string(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) m.message(5, attribute(k, v));
  return m;
}

export interface Model {
  graphName: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  metadata: Record<string, string | number>;
  opset: number;
}

/** ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8, metadata_props 14. */
export function encodeModel(model: Model): Pb {
  const graph = new Pb();
  model.nodes.forEach((n, i) => graph.message(1, nodeProto(n, i)));
  graph.string(2, model.graphName);
  for (const t of model.initializers) graph.message(5, tensorProto(t));
  for (const v of model.inputs) graph.message(11, valueInfo(v));
  for (const v of model.outputs) graph.message(12, valueInfo(v));
  const m = new Pb().int(1, 8).string(2, 'hvelv make-test-model').message(7, graph).message(8, new Pb().string(1, '').int(2, model.opset));
  for (const [k, v] of Object.entries(model.metadata)) m.message(14, new Pb().string(1, k).string(2, String(v)));
  return m;
}

/** Write the model to `file`; returns its size in bytes. */
export function writeModel(file: string, model: Model): number {
  const pb = encodeModel(model);
  const fd = fs.openSync(file, 'w');
  try {
    // In groups, so a list of thousands of small chunks costs few system calls.
    for (let i = 0; i < pb.chunks.length; i += 512) fs.writevSync(fd, pb.chunks.slice(i, i + 512));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return pb.length;
}

/**
 * A graph under construction: `op` adds a node and returns its output's name, `weight`
 * adds an initializer. Names are made unique here.
 */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  private n = 0;

  op(op: string, inputs: string[], attrs?: Record<string, Attr>, outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, () => `${op.toLowerCase()}_${this.n++}`);
    this.nodes.push({ op, inputs, outputs: outs, attrs });
    return outs;
  }

  /** One node with one output. */
  o(op: string, inputs: string[], attrs?: Record<string, Attr>): string {
    return this.op(op, inputs, attrs)[0]!;
  }

  /** One node whose output has the given name (a graph output). */
  named(name: string, op: string, inputs: string[], attrs?: Record<string, Attr>): string {
    this.nodes.push({ op, inputs, outputs: [name], attrs });
    return name;
  }

  weight(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, type: DT.float, dims, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  /** int8 weights as stored bytes (a quantized model's). */
  int8s(name: string, dims: number[], data: Int8Array): string {
    this.initializers.push({ name, type: DT.int8, dims, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  int64s(name: string, dims: number[], values: readonly number[]): string {
    const b = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, type: DT.int64, dims, data: new Uint8Array(b.buffer) });
    return name;
  }

  /** A constant 1-D int64 tensor, named after its values (added once). */
  consts(values: readonly number[]): string {
    const name = `const_${values.join('_').replace(/-/g, 'm')}`;
    if (!this.initializers.some((t) => t.name === name)) this.int64s(name, [values.length], values);
    return name;
  }

  scalar(name: string, v: number): string {
    if (!this.initializers.some((t) => t.name === name)) this.initializers.push({ name, type: DT.float, dims: [], data: new Uint8Array(new Float32Array([v]).buffer) });
    return name;
  }
}
