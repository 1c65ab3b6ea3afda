// Progressive enhancement only: marks the document as scripted so CSS can add a subtle
// transition. Every page's content works without this file.
document.documentElement.classList.add("js");
