/**
 * The example workflows and task files of the seed documents (../shared/seeds/), as they are written
 * there. The seed text lost its indentation when it was extracted from the original documents; the
 * workflows below have the indentation their YAML structure needs and are otherwise the seed's lines,
 * comments and `...` included. `FLAT` is one as extracted, with no indentation at all.
 */

/** 001 (the earlier implementation's README): no project_name, `target:`, `...` after the task. */
export const SEED_README_WORKFLOW = `tasks:
  - name: Data Aggregation # Displayed name
    type: processor_nats # Used to select template
    code: aggregate.go # Go code file inside tasks/ dir
    target: # Where the component will be deployed
      - edge
      - cloud
    source_topic: temp_sensor # Source NATS topic
    dest_topic: aggregated_data # Destination NATS topic
    component_name: data_aggregation # Component name displayed in the OCI artifact
    version: 1.0.0 # Component version
...
`;

/** 000 (the thesis), "Setup progetto". */
export const SEED_SETUP_WORKFLOW = `project_name: Test_project
tasks:
  - name: Temp sensor read
    type: producer_nats
    code: sensor_read.go
    targets:
      - cloud
      - edge
    source_topic: test_source_data
    dest_topic: test_dest_data
    component_name: temp_sensor_data
    version: 1.0.0
...
`;

/** 000, "Specifica file workflow": the two-task example. */
export const SEED_TEMPERATURE_WORKFLOW = `project_name: Temperature data analysis
tasks:
  - name: Temp data conversion
    type: http_producer_nats
    code: convert.go
    targets:
      - edge
    source_topic: living_room_celsius_data
    dest_topic: living_room_kelvin_data
    component_name: celsius_to_kelvin_conversion
    version: 1.0.0
  - name: Data filter
    type: processor_nats
    code: filter.go
    targets:
      - cloud
    source_topic: living_room_kelvin_data
    dest_topic: filtered_kelvin_data
    component_name: temp_filter
    version: 1.0.2
`;

/**
 * The seed's third template, dbsync_nats ("lettura di dati da un topic e scrittura su un DB"), written
 * the way its README writes tasks: no project_name, `target:`, a dest_topic and no database block.
 */
export const SEED_DBSYNC_WORKFLOW = `tasks:
  - name: DB sync # Displayed name
    type: dbsync_nats # Used to select template
    code: db_sync.go # Go code file inside tasks/ dir
    target: # Where the component will be deployed
      - cloud
    source_topic: aggregated_data # Source NATS topic
    dest_topic: db_synced # Destination NATS topic
    component_name: db_sync # Component name displayed in the OCI artifact
    version: 1.0.0 # Component version
`;

/** 001's example exactly as the extracted text has it: every line at column 0. */
export const SEED_README_WORKFLOW_FLAT = SEED_README_WORKFLOW.split('\n')
  .map((l) => l.trimStart())
  .join('\n');

/**
 * The task file format of 001 ("Task files"), with its empty import block and `string{`; its placeholder
 * line "... your code ..." is dropped and `response` (never declared) is `arg`, so that it compiles.
 */
export const SEED_TASK_MINIMAL = `package main
import (
)
func exec_task(arg string) string{
return arg // must me string
}
`;

/** 000's encoding/json example; its "..." placeholder (not Go) is replaced by one line doing "some operations". */
export const SEED_TASK_JSON = `package main
import (
"encoding/json"
)
type Request struct {
Data int
Name string
}
func exec_task(arg string) string{
// unmarshal the data
req := Request{}
json.Unmarshal([]byte(arg), &req)
// do some operations
req.Data = req.Data * 2
// return the json string
json, _ := json.Marshal(req)
return string(json)
}
`;
