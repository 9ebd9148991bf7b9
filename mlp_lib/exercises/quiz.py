r"""A self-check quiz: a question, choices, a *Check* button and an explanation for every choice.

.. code-block:: python

    Quiz("Which activation does not saturate for large positive inputs?",
         [("sigmoid", "It flattens out at 1: its derivative tends to 0."),
          ("ReLU", "Its derivative is 1 for every x > 0."),
          ("tanh", "It flattens out at 1, like the sigmoid.")],
         answer=1)

The explanation of a wrong choice says why it is wrong; the explanation of the right choice says
why it is right. Choices are plain text (unicode maths such as "σ√n"); the question and the
explanations may use LaTeX (``$...$``). Without a widget frontend (a static HTML export, a slide
deck) the quiz shows as the question with its choices.
"""
from __future__ import annotations

import html

__all__ = ["Quiz"]

_STYLE = {"correct": "color: #1a7f37", "wrong": "color: #b42318", "none": "color: #555"}


class Quiz:
    """One multiple-choice question.

    Parameters
    ----------
    question : str
    choices : list of (text, explanation)
        At least two; every explanation non-empty.
    answer : int
        Index of the right choice.

    ``select(i)`` picks a choice and ``check()`` returns ``(correct, message)`` and shows the
    message under the button, as clicking does in the notebook.
    """

    def __init__(self, question, choices, answer):
        if not isinstance(question, str) or not question.strip():
            raise ValueError("question must be a non-empty string")
        choices = [tuple(c) for c in choices]
        if len(choices) < 2:
            raise ValueError(f"choices must hold at least 2 (text, explanation) pairs, got {len(choices)}")
        for i, choice in enumerate(choices):
            if len(choice) != 2 or not all(isinstance(s, str) and s.strip() for s in choice):
                raise ValueError(f"choices[{i}] must be a pair of non-empty strings (text, explanation), "
                                 f"got {choice!r}")
        texts = [text for text, _ in choices]
        if len(set(texts)) != len(texts):
            raise ValueError(f"choices must have different texts, got {texts}")
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(choices):
            raise ValueError(f"answer must be the index of the right choice, 0 to {len(choices) - 1}, got {answer!r}")
        self.question, self.choices, self.answer = question, choices, answer
        self.selected = None  # index of the chosen answer, or None
        self._widget = None

    def select(self, index):
        """Choose answer ``index`` (None clears the choice), as clicking a choice does."""
        if index is not None and not (isinstance(index, int) and 0 <= index < len(self.choices)):
            raise ValueError(f"index must be 0 to {len(self.choices) - 1} or None, got {index!r}")
        self.selected = index
        if self._widget is not None:
            self._radio.value = None if index is None else self.choices[index][0]

    def check(self):
        """Judge the chosen answer: ``(correct, message)``; the message is also shown in the widget."""
        choice = self.selected
        if choice is None:
            correct, message, style = False, "Pick an answer first.", "none"
        elif choice == self.answer:
            correct, message, style = True, f"✓ Right. {self.choices[choice][1]}", "correct"
        else:
            correct, message, style = False, f"✗ Not quite. {self.choices[choice][1]}", "wrong"
        if self._widget is not None:
            self._feedback.value = f'<span style="{_STYLE[style]}">{message}</span>'
        return correct, message

    def widget(self):
        """The ipywidgets box: question, choices, *Check* button, feedback."""
        if self._widget is None:
            import ipywidgets as w

            texts = [text for text, _ in self.choices]
            self._radio = w.RadioButtons(options=texts, value=None, layout=w.Layout(width="auto"))
            self._radio.observe(lambda change: setattr(self, "selected", None if change.new is None
                                                       else texts.index(change.new)), names="value")
            self._button = w.Button(description="Check", button_style="primary", icon="check")
            self._feedback = w.HTMLMath(value="")
            self._button.on_click(lambda _: self.check())
            question = w.HTMLMath(value=f"<b>Quiz.</b> {self.question}")
            self._widget = w.VBox([question, self._radio, w.HBox([self._button]), self._feedback],
                                  layout=w.Layout(border="1px solid #ccc", padding="4px 10px", width="auto"))
            if self.selected is not None:
                self._radio.value = texts[self.selected]
        return self._widget

    def _static_html(self):
        items = "".join(f"<li>{html.escape(text)}</li>" for text, _ in self.choices)
        return f"<div><b>Quiz.</b> {self.question}<ol type='a'>{items}</ol></div>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/html"] = self._static_html()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        lines = [f"Quiz: {self.question}"] + [f"  ({chr(97 + i)}) {text}" for i, (text, _) in enumerate(self.choices)]
        return "\n".join(lines)
