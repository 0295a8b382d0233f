import ethiopicBold from "@fontsource/noto-sans-ethiopic/files/noto-sans-ethiopic-ethiopic-700-normal.woff2";
import ethiopicRegular from "@fontsource/noto-sans-ethiopic/files/noto-sans-ethiopic-ethiopic-400-normal.woff2";

// Ethiopic (Tigrinya) is the script a device most often lacks a font for: the browser fetches
// this one (75 KB) only for a page that has Ethiopic text and no earlier font covering it, and
// ahead of time on Tigrinya pages and the sign-in page's list of languages (text laid out before
// a late font arrives could stay as empty boxes).
const ETHIOPIC = "U+1200-1399,U+2D80-2DDE,U+AB01-AB2E";
export const ethiopicFontPreloads = [ethiopicRegular, ethiopicBold].map((href) => ({ rel: "preload", as: "font", type: "font/woff2", href, crossOrigin: "anonymous" as const }));
export const ethiopicFontFaces = [
  [400, ethiopicRegular],
  [700, ethiopicBold],
]
  .map(([weight, url]) => `@font-face{font-family:"Noto Sans Ethiopic";font-style:normal;font-weight:${weight};font-display:swap;src:url(${url}) format("woff2");unicode-range:${ETHIOPIC}}`)
  .join("");
