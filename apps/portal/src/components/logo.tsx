/** The operator's logo, from whatever host they keep it on. */
export function Logo({ src }: { src: string }) {
  // biome-ignore lint/performance/noImgElement: the logo may be on any host; next/image would need each one allow-listed at build time
  return <img src={src} alt="" />;
}
