import protobuf from 'protobufjs/light';

/**
 * The parts of TensorFlow's event protobufs that scalar curves need, declared here as a protobufjs JSON
 * descriptor (no .proto files, no code generation). Field names and numbers are those of
 * tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto, tensor.proto, tensor_shape.proto
 * and types.proto; fields left out (images, histograms, graphs, ...) are skipped by the decoder.
 */
const DESCRIPTOR = {
  nested: {
    tensorflow: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['file_version', 'graph_def', 'summary', 'session_log', 'meta_graph_def'] } },
          fields: {
            wall_time: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            file_version: { type: 'string', id: 3 },
            graph_def: { type: 'bytes', id: 4 },
            summary: { type: 'Summary', id: 5 },
            session_log: { type: 'SessionLog', id: 7 },
            meta_graph_def: { type: 'bytes', id: 9 },
          },
        },
        SessionLog: {
          fields: {
            status: { type: 'SessionStatus', id: 1 },
            checkpoint_path: { type: 'string', id: 2 },
            msg: { type: 'string', id: 3 },
          },
          nested: { SessionStatus: { values: { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } } },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simple_value', 'obsolete_old_style_histogram', 'image', 'histo', 'audio', 'tensor'] } },
              fields: {
                node_name: { type: 'string', id: 7 },
                tag: { type: 'string', id: 1 },
                metadata: { type: 'SummaryMetadata', id: 9 },
                simple_value: { type: 'float', id: 2 },
                obsolete_old_style_histogram: { type: 'bytes', id: 3 },
                image: { type: 'bytes', id: 4 },
                histo: { type: 'bytes', id: 5 },
                audio: { type: 'bytes', id: 6 },
                tensor: { type: 'TensorProto', id: 8 },
              },
            },
          },
        },
        SummaryMetadata: {
          fields: {
            plugin_data: { type: 'PluginData', id: 1 },
            display_name: { type: 'string', id: 2 },
            summary_description: { type: 'string', id: 3 },
            data_class: { type: 'int32', id: 4 },
          },
          nested: {
            PluginData: { fields: { plugin_name: { type: 'string', id: 1 }, content: { type: 'bytes', id: 2 } } },
          },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'int32', id: 1 },
            tensor_shape: { type: 'TensorShapeProto', id: 2 },
            version_number: { type: 'int32', id: 3 },
            tensor_content: { type: 'bytes', id: 4 },
            half_val: { rule: 'repeated', type: 'int32', id: 13 },
            float_val: { rule: 'repeated', type: 'float', id: 5 },
            double_val: { rule: 'repeated', type: 'double', id: 6 },
            int_val: { rule: 'repeated', type: 'int32', id: 7 },
            int64_val: { rule: 'repeated', type: 'int64', id: 10 },
            bool_val: { rule: 'repeated', type: 'bool', id: 11 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 }, unknown_rank: { type: 'bool', id: 3 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 }, name: { type: 'string', id: 2 } } } },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(DESCRIPTOR);
export const EventType = root.lookupType('tensorflow.Event');

/** tensorflow/core/framework/types.proto DataType values a scalar summary can hold. */
export const DT = { FLOAT: 1, DOUBLE: 2, INT32: 3, UINT8: 4, INT16: 5, INT8: 6, INT64: 9, BOOL: 10, BFLOAT16: 14, UINT16: 17, HALF: 19, UINT32: 22, UINT64: 23 } as const;

export const SESSION_START = 1;

/** A decoded Event, as plain data (int64 fields as numbers, bytes as Uint8Array). */
export interface EventData {
  wall_time?: number;
  step?: number;
  file_version?: string;
  summary?: { value?: SummaryValueData[] };
  session_log?: { status?: number; checkpoint_path?: string; msg?: string };
}

export interface SummaryValueData {
  tag?: string;
  node_name?: string;
  metadata?: { plugin_data?: { plugin_name?: string; content?: Uint8Array }; display_name?: string; data_class?: number };
  simple_value?: number;
  tensor?: TensorData;
}

export interface TensorData {
  dtype?: number;
  tensor_shape?: { dim?: { size?: number }[]; unknown_rank?: boolean };
  tensor_content?: Uint8Array;
  half_val?: number[];
  float_val?: number[];
  double_val?: number[];
  int_val?: number[];
  int64_val?: number[];
  bool_val?: boolean[];
}

export function encodeEvent(event: EventData): Uint8Array {
  return EventType.encode(EventType.fromObject(event)).finish();
}

export function decodeEvent(bytes: Uint8Array): EventData {
  return EventType.toObject(EventType.decode(bytes), { longs: Number, enums: Number, oneofs: false }) as EventData;
}
