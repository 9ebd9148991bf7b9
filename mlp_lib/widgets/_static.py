"""Draw the parts of a widget's figure that do not change once, and reuse their pixels.

Most of a widget redraw is text: tick labels, axis labels, legends, titles. They rarely change
when a slider moves, yet Agg lays out and rasterizes every glyph on every draw. :func:`keep_static`
adds to a figure one artist, drawn first, that paints everything except the ``live`` artists (the
ones an update changes: lines, images, bars, titles that show values) from a cached copy of the
pixels (``renderer.restore_region``, a memory copy); the live artists are then drawn on top.

The cache is never wrong, only slower: it is drawn again whenever the figure's size changes, an
Axes appears, disappears, moves or changes its limits, scale, ticks, tick labels or axis labels, a
cached title changes its text, a cached artist is removed or replaced (a new legend), or any other
cached artist is changed (matplotlib marks a changed artist *stale*: a legend edit, a new colour). So an
artist left out of ``live`` that does change costs a full redraw, never a wrong picture. The
cached artists are drawn below the live ones and below any artist made after the cache (tick
labels, grid lines and legends under the data); the Axes frames (spines) are always live, so an
image never hides them.

When the figure is saved (``savefig``) nothing is cached: it is drawn as usual.
"""
from __future__ import annotations

from matplotlib.artist import Artist
from matplotlib.axis import Axis
from matplotlib.image import AxesImage

__all__ = ["keep_static", "StaticCache", "static_cache"]


class StaticCache(Artist):
    """The artist :func:`keep_static` adds to the figure (see the module docstring)."""

    def __init__(self, figure, live):
        super().__init__()
        self.set_zorder(-1e9)  # first of the figure's artists, right after its background patch
        self._figure_ref = figure
        spines = [spine for ax in figure.axes for spine in ax.spines.values()]  # cheap, and drawn above images
        self.live = list(live) + spines
        keep = {id(a) for a in self.live}
        # Only what belongs to an Axes is cached. Figure-level texts and legends stay live: the figure
        # lists its artists before drawing them, too early for a saved figure to get them back.
        self.cached = [a for ax in figure.axes for a in ax.get_children()
                       if a is not ax.patch and id(a) not in keep]
        self.patches = {ax: ax.patch.get_visible() for ax in figure.axes}
        # matplotlib < 3.10 draws an Axes' images even when they are animated: hide cached ones instead.
        self.images = {a: a.get_visible() for a in self.cached if isinstance(a, AxesImage)}
        # Axes.draw moves its three titles on every draw, which marks them stale: judge a cached
        # title by its text instead.
        self._title_ids = {id(t) for ax in figure.axes for t in (ax.title, getattr(ax, "_left_title", None),
                                                                 getattr(ax, "_right_title", None)) if t is not None}
        self._watched = self._descendants()
        self._titles = [(ax, loc) for ax in figure.axes for loc in ("center", "left", "right")
                        if id(getattr(ax, {"center": "title"}.get(loc, f"_{loc}_title"), None)) not in keep]
        self._region, self._key, self.bakes = None, None, 0
        self._set_cached_mode(True)

    def _set_cached_mode(self, on):
        """Cached artists (and the Axes backgrounds) skipped by the normal draw, or drawn as usual."""
        for artist in self.cached:
            artist.set_animated(on)
        for ax, visible in self.patches.items():
            ax.patch.set_visible(visible and not on)
        for image, visible in self.images.items():
            if image.get_visible() != (visible and not on):
                image.set_visible(visible and not on)
                image.stale = False  # hidden or shown by the cache, not changed

    def _descendants(self):
        """The cached artists and everything inside them (legend texts), titles and axes excepted:
        Axes.draw moves the titles and setting the same limits again marks an Axis stale, so these
        are judged by what they show (see :meth:`_state`)."""
        found, todo = [], [a for a in self.cached if id(a) not in self._title_ids and not isinstance(a, Axis)]
        while todo:
            artist = todo.pop()
            found.append(artist)
            todo += artist.get_children()
        return found

    def _state(self, renderer):
        fig = self._figure_ref
        axes = tuple((id(ax), ax.get_visible(), tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(),
                      ax.get_xscale(), ax.get_yscale(), _axis_state(ax.xaxis), _axis_state(ax.yaxis))
                     for ax in fig.axes)
        titles = tuple(ax.get_title(loc) for ax, loc in self._titles)
        present = [a for ax in fig.axes for a in ax.get_children()]
        cached = {id(a) for a in self.cached}
        still_there = frozenset(id(a) for a in present if id(a) in cached)  # a replaced legend leaves this set
        return renderer.get_canvas_width_height(), fig.dpi, axes, titles, still_there

    def _bake(self, renderer):
        """Draw the figure's cached artists alone (not the live ones, nor any made since) and keep the pixels."""
        fig = self._figure_ref
        cached = {id(a) for a in self.cached}
        others = [a for ax in fig.axes for a in ax.get_children() if a is not ax.patch and id(a) not in cached]
        others += [a for a in fig.texts + fig.legends + fig.artists if a is not self and id(a) not in cached]
        animated = [(a, a.get_animated(), a.get_visible(), a.stale) for a in others]
        self._set_cached_mode(False)
        for artist in others:
            artist.set_animated(True)
            if isinstance(artist, AxesImage):  # drawn even when animated by matplotlib < 3.10
                artist.set_visible(False)
        try:
            fig.patch.draw(renderer)
            children = [a for a in fig.get_children() if a is not self and a is not fig.patch]
            for child in sorted(children, key=lambda a: a.get_zorder()):
                if not child.get_animated():
                    child.draw(renderer)
        finally:
            for artist, was_animated, was_visible, was_stale in animated:
                artist.set_animated(was_animated)
                artist.set_visible(was_visible)
                artist.stale = was_stale
            self._set_cached_mode(True)
        self._region = renderer.copy_from_bbox(fig.bbox)
        self._watched = self._descendants()  # drawing may have made new ones (ticks)
        for artist in self._watched:
            artist.stale = False
        self.bakes += 1

    def draw(self, renderer):
        fig = self._figure_ref
        if fig.canvas.is_saving():  # savefig: draw everything the usual way, this time only
            self._set_cached_mode(False)
            cid = fig.canvas.mpl_connect("draw_event", lambda event: self._restore_after_save(cid))
            return
        state = self._state(renderer)
        if self._region is None or state != self._key or any(a.stale for a in self._watched):
            self._bake(renderer)
            self._key = self._state(renderer)
        else:
            renderer.restore_region(self._region)
        self.stale = False

    def disable(self):
        """Stop caching: the figure is drawn the usual way again (for tests and comparisons)."""
        self._set_cached_mode(False)
        self.remove()

    def _restore_after_save(self, cid):
        self._figure_ref.canvas.mpl_disconnect(cid)
        self._set_cached_mode(True)


def _axis_state(axis):
    """What an Axis shows: visibility, label, tick positions and tick label texts."""
    ticks = axis.get_majorticklocs()
    labels = tuple(axis.major.formatter.format_ticks(ticks)) if axis.get_visible() else ()
    return axis.get_visible(), axis.label.get_text(), tuple(ticks), labels


def keep_static(fig, live):
    """Cache the pixels of everything in ``fig`` but the ``live`` artists; return the cache.

    Call it once the figure is laid out for good (after :func:`~mlp_lib.plotting.freeze_layout`);
    artists created later are live automatically.
    """
    if static_cache(fig) is not None:
        raise ValueError("this figure already keeps its static parts cached")
    cache = StaticCache(fig, live)
    fig.add_artist(cache)
    return cache


def static_cache(fig):
    """The :class:`StaticCache` of ``fig``, or None."""
    return next((a for a in fig.artists if isinstance(a, StaticCache)), None)
