import { randomUUID } from 'node:crypto';
import type {
  EventSourceMappings,
  MappingSpec,
  MappingState,
} from '../shared/provisioning/event-source-mappings.js';

/** Called whenever a mapping is created, changed or removed (removed: `state` undefined). */
export type MappingListener = (queueArn: string, state: MappingState | undefined) => void;

/**
 * The local runtime's event source mappings: an in-process registry the local poller reads.
 * It does for the local runtime what Lambda's mappings do on AWS, without putting mappings
 * into the local AWS endpoint (moto fires those inside every SendMessage).
 */
export class LocalEventSourceMappings implements EventSourceMappings {
  private readonly mappings = new Map<string, MappingState>();
  private readonly listeners = new Set<MappingListener>();

  async ensure(spec: MappingSpec): Promise<string> {
    const id = this.mappings.get(spec.queueArn)?.id ?? randomUUID();
    const state: MappingState = { id, ...spec };
    this.mappings.set(spec.queueArn, state);
    this.emit(spec.queueArn, state);
    return id;
  }

  async find(queueArn: string): Promise<MappingState | undefined> {
    return this.mappings.get(queueArn);
  }

  async remove(queueArn: string): Promise<void> {
    if (this.mappings.delete(queueArn)) this.emit(queueArn, undefined);
  }

  async list(): Promise<MappingState[]> {
    return [...this.mappings.values()];
  }

  /** Current mappings, synchronously (for the poller). */
  snapshot(): MappingState[] {
    return [...this.mappings.values()];
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: MappingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(queueArn: string, state: MappingState | undefined): void {
    for (const listener of this.listeners) listener(queueArn, state);
  }
}
