import type { StepRecord } from "@tsbuild/builder";
import type { BuildRecord, Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";

/**
 * Which step of the build made each history entry of the final image. Every step after FROM
 * commits exactly one image (cached or not), so the entry a step made is the last entry of the
 * image the step left; ONBUILD triggers run between FROM and the first step, one entry each.
 */
export async function historyRecords(
  store: ImageStore,
  steps: StepRecord[],
  output: string,
  dockerfile: string,
): Promise<Map<number, BuildRecord>> {
  const records = new Map<number, BuildRecord>();
  if (steps.length === 0) return records;
  const stage = steps[steps.length - 1].stage;
  const stageSteps = steps.filter((s) => s.stage === stage);
  const historyLength = async (id: Digest) => (await configOf(store, id)).history?.length ?? 0;

  for (const step of stageSteps) {
    if (!step.imageId) continue;
    const ins = step.instruction;
    const base = { dockerfile, line: ins.startLine, endLine: ins.endLine, stage };
    if (ins.kind === "FROM") {
      const triggers = await triggersRun(store, step, output);
      const end = await historyLength(step.imageId);
      triggers.forEach((text, j) => {
        records.set(end - triggers.length + j, { ...base, text, kind: keywordOf(text), trigger: true });
      });
      continue;
    }
    records.set((await historyLength(step.imageId)) - 1, { ...base, text: step.text, kind: ins.kind });
  }
  return records;
}

/**
 * The ONBUILD triggers the FROM step ran, in order. The builder announces them right after the
 * step line ("# Executing 2 build triggers", Docker's wording); each committed an image, so the
 * base image is that many parents up, and its OnBuild list holds their text.
 */
async function triggersRun(store: ImageStore, from: StepRecord, output: string): Promise<string[]> {
  const lines = output.split("\n");
  // endsWith: RUN's stderr needn't end its line, so a step line can follow it on the same line.
  const stepLine = `Step ${from.step}/${from.of} : ${from.text}`;
  const at = lines.findIndex((l) => l.endsWith(stepLine));
  const m = at >= 0 ? /^# Executing (\d+) build triggers?$/.exec(lines[at + 1] ?? "") : null;
  if (!m || !from.imageId) return [];
  const count = Number(m[1]);
  let id: Digest | undefined = from.imageId;
  for (let i = 0; i < count && id; i++) id = store.parentOf(id);
  if (!id) return [];
  const onBuild = (await configOf(store, id)).config.OnBuild ?? [];
  return onBuild.length === count ? onBuild : [];
}

function keywordOf(trigger: string): string {
  return (trigger.trim().split(/\s+/)[0] ?? "").toUpperCase();
}

async function configOf(store: ImageStore, id: Digest) {
  const image = store.getImage(id);
  if (!image) throw new Error(`image ${id} is not in the store`);
  return image.config();
}
