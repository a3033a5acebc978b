import { emptyClusterImage } from '../packages/core/src/db/pglite-image.ts';

/**
 * `npm install`'s postinstall: makes the empty PGlite cluster image that new embedded databases
 * start from (packages/core/src/db/pglite-image.ts). Never fails the install: without the image,
 * the first database made makes it.
 */
try {
  const started = performance.now();
  await emptyClusterImage();
  console.log(
    `Hatchery: PGlite cluster image ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  console.warn(`Hatchery: PGlite cluster image not made now (${String(error)}); the first start makes it`);
}
