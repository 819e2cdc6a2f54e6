import type { RenditionEvent } from '../../../events/catalog/rendition-events';
import type { Stored } from '../../../events/catalog/stored';

/**
 * A delivery made as a rendition (TransferRequested.rendition): the target's
 * policy refused the original and names a house profile. `created` is the
 * rendition the copy delivers instead of the original, once made and checked.
 */
export interface RenditionState {
  profile: string;
  created?: { path: string; sha256: string; sizeBytes: number };
}

/** What the copy steps copy: the rendition once made, else the original. Pure. */
export function deliveredFile(s: { sha256: string; sizeBytes: number; rendition?: RenditionState }): {
  sha256: string;
  sizeBytes: number;
  path?: string;
} {
  const made = s.rendition?.created;
  return made ? { ...made } : { sha256: s.sha256, sizeBytes: s.sizeBytes };
}

/**
 * Folds a rendition event into the transfer's rendition. Pure. A new start
 * forgets the last rendition: a rendition is made again only when the one
 * recorded is gone or damaged (or was never finished), so its facts are
 * replaced, never merged.
 */
export function evolveRendition(r: RenditionState | undefined, event: Stored<RenditionEvent>): RenditionState {
  const profile = event.data.profile;
  switch (event.type) {
    case 'RenditionStarted':
      return { profile };
    case 'RenditionCreated': {
      const { path, sha256, sizeBytes } = event.data;
      return { profile, created: { path, sha256, sizeBytes } };
    }
    case 'RenditionFailed':
      return { profile: r?.profile ?? profile };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
