/* Runs before the page is drawn: styles that need JavaScript key on the "js" class. */
document.documentElement.classList.add("js");
