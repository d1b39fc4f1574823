//! K301 depthwise-groups: Keras 2's `groups` on DepthwiseConv1D/2D, which Keras 3 refuses.

use crate::cli::Target;
use crate::json::Node;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, foreign_arguments};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K301",
    name: "depthwise-groups",
    summary: "`groups` on a depthwise convolution (Keras 2), which Keras 3 refuses",
    doc: "## What it does
With `--target keras3`, finds the `groups` argument in the config of a `DepthwiseConv1D` or
`DepthwiseConv2D` layer.

## Why is this bad?
Keras 2 / tf-keras derive the depthwise convolutions from `Conv`, so their config carries
`groups` (always 1). Keras 3's depthwise layers have no such argument
(keras/src/layers/convolutional/base_depthwise_conv.py) and refuse the model:
`Unrecognized keyword arguments passed to DepthwiseConv2D: {'groups': 1}`.

## Example
```json
{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"kernel_size\": [3, 3], \"groups\": 1}}
```
Use instead:
```json
{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"kernel_size\": [3, 3]}}
```

## Fix safety
Safe when `groups` is 1, the only value Keras 2 writes there: a depthwise convolution is
grouped per channel by definition. Another value is reported without a fix. Other layers keep
their `groups` (`Conv2D`, `GroupNormalization` use it in Keras 3 too).",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

const CLASSES: &[&str] = &["DepthwiseConv1D", "DepthwiseConv2D"];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    foreign_arguments(doc, &INFO, Target::Keras3, CLASSES, &["groups"], is_one, &|class, key, value| {
        format!(
            "Keras 3 refuses it: \"Unrecognized keyword arguments passed to {class}: {{'{key}': {value}}}\""
        )
    })
}

fn is_one(_key: &str, value: &Node) -> bool {
    value.as_number().and_then(|n| n.integral_value()) == Some(1)
}
