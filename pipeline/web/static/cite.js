// "copy citation" buttons: fetch the citation text from the button's data-cite-url and put it on the clipboard.
document.querySelectorAll("button.copy-citation").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const label = button.textContent;
    try {
      const response = await fetch(button.dataset.citeUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(await response.text());
      await navigator.clipboard.writeText(await response.text());
      button.textContent = "copied";
    } catch (error) {
      button.textContent = "could not copy";
      button.title = String(error.message || error);
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
});
