// Slot planning: how many trainers this worker runs at once and which device each one sees.
// One slot per GPU (each trainer sees exactly one through CUDA_VISIBLE_DEVICES, so tfjs-node-gpu inside it uses
// "device 0" without knowing the machine's numbering), otherwise one per CPU core.

/** One training slot: a trainer child process and the environment that pins it to its device. */
export interface SlotPlan {
  /** 0-based slot number within this worker. */
  index: number;
  /** GPU index as the machine numbers it ("0", "1", …), or null for a CPU slot. */
  device: string | null;
  /** Extra environment of the trainer child. */
  env: Readonly<Record<string, string>>;
}

export interface PlanSlotsInput {
  /** Slots asked for (WORKER_SLOTS / --slots); undefined → one per device, else one per CPU core. */
  slots?: number | undefined;
  /** GPU indices asked for (WORKER_DEVICES / --devices), or found on the machine; empty → CPU slots. */
  devices: readonly string[];
  /** CPU cores of the machine (os.availableParallelism()). */
  cpuCount: number;
}

/**
 * Plans the slots. With devices, slot i gets device i mod n (more slots than GPUs share them round-robin; fewer use
 * the first ones). Without devices every slot is a CPU slot with CUDA_VISIBLE_DEVICES="" so a GPU build of tfjs
 * never grabs a GPU another worker owns.
 */
export function planSlots(input: PlanSlotsInput): SlotPlan[] {
  const devices = [...new Set(input.devices)];
  const count = input.slots ?? (devices.length > 0 ? devices.length : Math.max(1, Math.floor(input.cpuCount)));
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`slots: ${count} is not a positive integer`);
  }
  return Array.from({ length: count }, (_, index) => {
    const device = devices.length > 0 ? (devices[index % devices.length] ?? null) : null;
    return { index, device, env: { CUDA_VISIBLE_DEVICES: device ?? '' } };
  });
}

/** Parses "0,1,3" into ["0","1","3"]; undefined or "" → []. Errors name the value. */
export function parseDeviceList(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  if (!/^\d+(,\d+)*$/.test(value.trim())) {
    throw new Error(`devices: ${JSON.stringify(value)} must be comma-separated GPU indices like "0,1"`);
  }
  return value.trim().split(',');
}

/** Hands out free slots to jobs: BullMQ runs `concurrency` processors at once, each takes one slot for its job. */
export class SlotPool {
  readonly #free: SlotPlan[];

  constructor(slots: readonly SlotPlan[]) {
    this.#free = [...slots];
  }

  /** A free slot; throws when none is free, which would mean BullMQ ran more jobs than its concurrency. */
  acquire(): SlotPlan {
    const slot = this.#free.shift();
    if (slot === undefined) throw new Error('no free training slot (more concurrent jobs than slots)');
    return slot;
  }

  release(slot: SlotPlan): void {
    this.#free.push(slot);
    this.#free.sort((a, b) => a.index - b.index);
  }

  get freeCount(): number {
    return this.#free.length;
  }
}
