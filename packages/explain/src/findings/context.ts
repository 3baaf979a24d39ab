import type { LayerChanges, Occupant } from "../layer-view.js";
import type { LayerAnalysis } from "../types.js";

/** What every finding rule reads: the analysed layers, their raw changes and the final view. */
export interface FindingContext {
  layers: LayerAnalysis[];
  changes: LayerChanges[];
  /** Path → the copy the final image shows. */
  view: Map<string, Occupant>;
}
