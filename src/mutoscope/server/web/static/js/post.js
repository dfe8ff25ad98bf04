// The post page: like (toggle) and share; everything else is plain API forms.
import { announce, api } from "./api.js";
import { sharePost } from "./feed.js";

export function start() {
  const root = document.querySelector("[data-post-id]");
  const like = document.getElementById("like");
  if (like) {
    like.addEventListener("click", async () => {
      const liked = like.getAttribute("aria-pressed") === "true";
      like.disabled = true;
      try {
        const state = await api(liked ? "DELETE" : "POST", `/api/posts/${root.dataset.postId}/like`);
        like.setAttribute("aria-pressed", String(state.liked));
        document.getElementById("like-label").textContent = state.liked ? "Liked" : "Like";
        document.getElementById("like-count").textContent = state.like_count;
        announce(state.liked ? "Liked" : "Like removed");
      } catch (error) {
        announce(error.message);
      } finally {
        like.disabled = false;
      }
    });
  }
  document.querySelectorAll("[data-share]").forEach((button) =>
    button.addEventListener("click", () => sharePost(button.dataset.share)));
}
