/**
 * Linux's limit on the symbolic links one path lookup follows (MAXSYMLINKS, 40) before ELOOP:
 * every resolver of image paths stops at the same count.
 */
export const MAX_SYMLINK_HOPS = 40;
