{
        "datacenter":"Consul-SG",
        "data_dir": "/opt/consul",
        "log_level": "INFO",
        "node_name": "sample-node-name",
        "server": true,
        "addresses": {
                "http":"0.0.0.0"
        },
        "ports":{
                "http":8500
        }
}
